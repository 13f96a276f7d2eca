// Install callbacks authorised by a per-node token alone: config, started, log, done, failed, up; plus the timeout sweeper.
import { DomainError } from '../errors.ts';
import type { BootState } from './boot-state.ts';
import { hashToken, mintToken, TOKEN_SHAPE } from './install-token.ts';
import type { ProvisioningDeps } from './provisioning-deps.ts';
import type { InstallToken, ProvisioningRepos, TokenPurpose } from './provisioning-store.ts';
import { TokenRefused, type Refusal } from './install-token-refusal.ts';
import { sweepDue } from './install-sweeper.ts';

export { TokenRefused, type Refusal } from './install-token-refusal.ts';

/** What the install agent sources (KEY='value' lines): see installConfig. */
export interface InstallConfig {
  NODE: string;
  MAC: string;
  SERVER: string;
  PROFILE: string;
  IMAGE_URL: string;
  IMAGE_FORMAT: string;
  IMAGE_SHA256: string;
  IMAGE_SIZE: string;
  DISK: string;
}

export const MAX_LOG_LINES = 500;
export const MAX_LOG_LINE = 2000;

export class InstallCallbackService {
  private readonly now: () => number;

  constructor(private readonly d: ProvisioningDeps) {
    this.now = d.now ?? Date.now;
  }

  /** stage0's HTTP base as nodes reach it, without a trailing slash. */
  get server(): string {
    return this.d.settings.httpBase.replace(/\/+$/, '');
  }

  /**
   * The token's record if it may be used now for `purpose`; otherwise records `install.token-refused` (reason and
   * client address; the node only when the token was real) and throws TokenRefused.
   */
  async authorize(token: string, purpose: TokenPurpose, from: string, use: string): Promise<InstallToken> {
    const rec = TOKEN_SHAPE.test(token) ? await this.d.store.tokens.byHash(hashToken(token)) : undefined;
    const now = this.now();
    let reason: Refusal | undefined;
    if (!rec || rec.purpose !== purpose) reason = 'unknown';
    else if (rec.spentAt !== null) reason = rec.spentReason === 'superseded' || rec.spentReason === 'nodeset' || rec.spentReason === 'timeout' ? 'revoked' : 'already used';
    else if (rec.expiresAt <= now) reason = 'expired';
    if (!reason) return rec!;
    await this.d.store.events.append([{ actor: 'install', node: reason === 'unknown' ? null : rec!.node, kind: 'install.token-refused', details: { reason, from, use, ...(rec && reason !== 'unknown' && { spent: rec.spentReason }) } }]);
    throw new TokenRefused(reason);
  }

  async config(token: string, from: string): Promise<InstallConfig> {
    const t = await this.authorize(token, 'install', from, 'config');
    const node = await this.d.inventory.getNode(t.node, { effective: true });
    const state = await this.d.store.bootStates.get(t.node);
    const profile = state?.profile ? await this.d.store.profiles.get(state.profile) : undefined;
    const image = profile?.image && this.d.images ? await this.d.images.get(profile.image) : undefined;
    const server = this.d.settings.httpBase.replace(/\/+$/, '');
    return {
      NODE: node.name, MAC: node.macs[0] ?? '', SERVER: server, PROFILE: profile?.name ?? '',
      IMAGE_URL: image ? `${server}${image.urlPath}` : '', IMAGE_FORMAT: image?.format ?? '', IMAGE_SHA256: image?.sha256 ?? '',
      IMAGE_SIZE: image ? String(image.size) : '', DISK: String(node.effective?.['install.disk'] ?? ''),
    };
  }

  async started(token: string, from: string): Promise<void> {
    const t = await this.authorize(token, 'install', from, 'started');
    await this.d.store.transaction(async (tx) => {
      await this.updateState(tx, t.node, (s) => ({ ...s, installStatus: 'installing' }));
      await tx.events.append([{ actor: 'install', node: t.node, kind: 'install.started', details: { from } }]);
    });
  }

  /** Installer log lines land on the node's timeline, one event each (at most MAX_LOG_LINES per call, each cut to MAX_LOG_LINE). */
  async log(token: string, text: string, from: string): Promise<number> {
    const t = await this.authorize(token, 'install', from, 'log');
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const kept = lines.slice(0, MAX_LOG_LINES).map((l) => l.slice(0, MAX_LOG_LINE));
    await this.d.store.events.append([
      ...kept.map((line) => ({ actor: 'install', node: t.node, kind: 'install.log', details: { line } })),
      ...(lines.length > kept.length ? [{ actor: 'install', node: t.node, kind: 'install.log', details: { line: `(${lines.length - kept.length} more lines dropped)` } }] : []),
    ]);
    return kept.length;
  }

  /**
   * install-done (xCAT nextdestiny): spends the token, flips the next boot to the local disk persistently, marks
   * the node installed and returns the single-use token the installed system calls once with /up.
   */
  async done(token: string, from: string): Promise<{ upToken: string; node: string }> {
    const t = await this.authorize(token, 'install', from, 'done');
    const upToken = mintToken();
    const now = this.now();
    await this.d.store.transaction(async (tx) => {
      await this.spendOrRefuse(tx, t, 'done', from);
      await tx.tokens.revoke([t.node], 'up', now, 'superseded');
      await tx.tokens.insert({ hash: hashToken(upToken), node: t.node, purpose: 'up', createdAt: now, expiresAt: now + this.d.settings.upTokenTtlMs, spentAt: null, spentReason: null });
      await this.updateState(tx, t.node, (s) => ({ ...s, target: 'boot', oneshot: false, expiresAt: null, installStatus: 'installed', statusReason: null, installDeadline: null, actor: 'install', cause: 'install.done' }));
      await tx.events.append([{ actor: 'install', node: t.node, kind: 'install.done', details: { from, nextBoot: 'boot' } }]);
    });
    return { upToken, node: t.node };
  }

  /** Marks the node failed with the reason; its next boot holds (never the installer) until nodeset. */
  async failed(token: string, reason: string, from: string): Promise<void> {
    const t = await this.authorize(token, 'install', from, 'failed');
    // One printable line: the reason is shown in boot scripts and configs (no line breaks to inject commands with).
    const why = reason.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 500) || 'no reason given';
    await this.d.store.transaction(async (tx) => {
      await this.spendOrRefuse(tx, t, 'failed', from);
      await this.updateState(tx, t.node, (s) => ({ ...s, installStatus: 'failed', statusReason: why, installDeadline: null, actor: 'install', cause: 'install.failed' }));
      await tx.events.append([{ actor: 'install', node: t.node, kind: 'install.failed', details: { from, reason: why } }]);
    });
  }

  /** The installed system is up (called once from the disk). */
  async up(token: string, from: string): Promise<string> {
    const t = await this.authorize(token, 'up', from, 'up');
    await this.d.store.transaction(async (tx) => {
      await this.spendOrRefuse(tx, t, 'up', from);
      await tx.events.append([{ actor: 'install', node: t.node, kind: 'node.up', details: { from } }]);
    });
    return t.node;
  }

  /** The node a token belongs to, for rendering its installer template (see TemplateService.renderForToken). */
  async nodeOf(token: string, from: string, use: string): Promise<string> {
    return (await this.authorize(token, 'install', from, use)).node;
  }

  /**
   * Expired states fall back to `boot`; installs past their deadline become failed ("timeout") and their tokens are
   * revoked. Returns what changed.
   */
  async sweep(): Promise<{ expired: string[]; timedOut: string[] }> {
    return sweepDue(this.d.store, this.now());
  }

  /** Runs sweep() every intervalMs on an unref'd timer (never keeps the process alive). */
  startSweeper(intervalMs: number, onError: (err: unknown) => void): { stop(): void } {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.sweep().catch(onError).finally(() => { running = false; });
    }, intervalMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** A concurrent done/failed with the same token: exactly one wins, the other is refused as already used. */
  private async spendOrRefuse(tx: ProvisioningRepos, t: InstallToken, reason: string, from: string): Promise<void> {
    if (await tx.tokens.spend(t.hash, this.now(), reason)) return;
    throw new TokenRefused('already used');
  }

  private async updateState(tx: ProvisioningRepos, node: string, change: (s: BootState) => BootState): Promise<void> {
    const s = await tx.bootStates.get(node);
    if (!s) throw new DomainError('conflict', `node ${node} has no boot state`);
    await tx.bootStates.putMany([{ ...change(s), updatedAt: new Date(this.now()).toISOString() }]);
  }
}
