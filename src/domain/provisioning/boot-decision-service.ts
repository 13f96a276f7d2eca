// The boot decision for a MAC from the node's one boot state: what the iPXE script and pxelinux/GRUB configs render.
import { SafeTemplateEngine } from '../templates/safe-template-engine.ts';
import { TemplateError } from '../templates/template-error.ts';
import type { AttrValue } from '../inventory/types.ts';
import type { NodeView } from '../services/node-view.ts';
import type { BootDecider, BootPlan, BootVia, KernelSpec } from './boot-plan-types.ts';
import { decideNextBoot, type BootState } from './boot-state.ts';
import { hashToken, mintToken } from './install-token.ts';
import { nodeTemplateVars, PLACEHOLDER_TOKEN } from './node-template-vars.ts';
import type { ProvisioningDeps } from './provisioning-deps.ts';
import type { Profile } from './profile.ts';

/** The attribute path (kept for nodes without a state): boot.kernel / nextboot as before provisioning existed. */
export type AttributePlanner = (effective: Readonly<Record<string, AttrValue>> | undefined, fallback: KernelSpec | undefined) => BootPlan;

const hold = (reason: string): BootPlan => ({ kind: 'none', reason });

export class BootDecisionService implements BootDecider {
  private readonly now: () => number;
  private readonly engine = new SafeTemplateEngine({ strict: true });

  constructor(private readonly d: ProvisioningDeps, private readonly attributePlan: AttributePlanner) {
    this.now = d.now ?? Date.now;
  }

  async decide(mac: string, via: BootVia): Promise<{ node?: string; plan: BootPlan }> {
    const node = await this.d.inventory.nodeByMac(mac);
    if (!node) return { plan: this.attributePlan(undefined, this.d.settings.fallback) };
    return { node: node.name, plan: await this.decideFor(node, via) };
  }

  private async decideFor(node: NodeView, via: BootVia): Promise<BootPlan> {
    const state = await this.d.store.bootStates.get(node.name);
    const now = this.now();
    const { next, expired, consumed } = decideNextBoot(state, now);
    if (expired) await this.fallBackToBoot(state!, now, 'boot-state.expired', { target: state!.target, expiresAt: new Date(state!.expiresAt!).toISOString() });
    switch (next.kind) {
      case 'legacy': {
        const eff = node.effective ?? {};
        if (eff['boot.kernel'] !== undefined || eff.nextboot !== undefined || this.d.settings.knownNodeDefault === 'fallback') return this.attributePlan(eff, this.d.settings.fallback);
        return { kind: 'local', reason: 'no boot state: boot from disk (nodeset to change)' };
      }
      case 'local':
        return { kind: 'local', reason: next.reason };
      case 'hold':
        return hold(next.reason);
      case 'env': {
        const env = this.d.settings.envKernel ?? this.d.settings.fallback;
        if (!env) return hold(`${next.mode}: no provisioning environment configured`);
        if (consumed) await this.fallBackToBoot(state!, now, 'boot-state.consumed', { target: state!.target, via });
        // The environment's own cmdline may already name the server (bootSettings' provisionEnv does).
        const server = /(^| )stage0\.server=/.test(env.cmdline) ? '' : ` stage0.server=${this.d.settings.httpBase}`;
        return { kind: 'kernel', spec: { ...env, cmdline: join(env.cmdline, `stage0.mode=${next.mode}${server}`) }, reason: next.reason };
      }
      case 'stateless':
      case 'install': {
        const profile = await this.d.store.profiles.get(next.profile);
        if (!profile) return hold(`profile '${next.profile}' does not exist`);
        const install = next.kind === 'install';
        const token = install ? mintToken() : PLACEHOLDER_TOKEN;
        let cmdline: string;
        try {
          cmdline = await this.renderCmdline(node, profile, token);
        } catch (e) {
          if (e instanceof TemplateError) return hold(`profile '${profile.name}' cmdline: ${e.message}`);
          throw e;
        }
        const extra = `stage0.mode=${next.kind} stage0.server=${this.d.settings.httpBase}${install ? ` stage0.token=${token}` : ''}`;
        if (install) await this.startInstall(state!, profile, token, now, consumed, via);
        else if (consumed) await this.fallBackToBoot(state!, now, 'boot-state.consumed', { target: state!.target, via });
        const spec: KernelSpec = { kernel: profile.kernel, ...(profile.initrd && { initrd: profile.initrd }), cmdline: join(cmdline, extra) };
        return { kind: 'kernel', spec, reason: next.reason };
      }
    }
  }

  private async renderCmdline(node: NodeView, profile: Profile, token: string): Promise<string> {
    if (!profile.cmdline.includes('{')) return profile.cmdline;
    const image = profile.image && this.d.images ? await this.d.images.get(profile.image) : undefined;
    const vars = nodeTemplateVars({ node, site: (await this.d.inventory.getSite()).attrs, profile, image, token, server: this.d.settings.httpBase });
    return this.engine.render(profile.cmdline, vars, { name: `profile ${profile.name} cmdline` }).trim();
  }

  /** Mints the node's install token (older ones revoked) and starts the install clock, in one transaction. */
  private async startInstall(state: BootState, profile: Profile, token: string, now: number, consumed: boolean, via: BootVia): Promise<void> {
    const node = await this.d.inventory.getNode(state.node, { effective: true });
    // Overrides, most specific first: node/group attributes, then the profile, then the configuration.
    const seconds = (k: string) => { const v = Number(node.effective?.[k]); return Number.isInteger(v) && v > 0 ? v * 1000 : undefined; };
    const profileMs = profile.installTimeout !== null ? profile.installTimeout * 1000 : undefined;
    const ttl = seconds('install.tokenttl') ?? profileMs ?? this.d.settings.tokenTtlMs;
    const timeout = seconds('install.timeout') ?? profileMs ?? this.d.settings.installTimeoutMs;
    await this.d.store.transaction(async (tx) => {
      await tx.tokens.revoke([state.node], 'install', now, 'superseded');
      await tx.tokens.insert({ hash: hashToken(token), node: state.node, purpose: 'install', createdAt: now, expiresAt: now + ttl, spentAt: null, spentReason: null });
      // One-shot: the installer gets this one boot; a reboot midway goes to the disk (the timeout still applies).
      // The clock starts at the first install boot of this nodeset: a node that keeps rebooting into the installer
      // still times out (and then holds) instead of looping forever.
      const running = state.installDeadline !== null && (state.installStatus === 'pending' || state.installStatus === 'installing');
      const next: BootState = { ...state, installStatus: running ? state.installStatus : 'pending', statusReason: null, installDeadline: running ? state.installDeadline : now + timeout, updatedAt: new Date(now).toISOString(), ...(consumed && { target: 'boot', oneshot: false, expiresAt: null }) };
      await tx.bootStates.putMany([next]);
      await tx.events.append([{ actor: 'boot', node: state.node, kind: 'install.boot', details: { profile: profile.name, via, tokenExpiresAt: new Date(now + ttl).toISOString(), deadline: new Date(next.installDeadline!).toISOString(), oneshot: consumed } }]);
    });
  }

  private async fallBackToBoot(state: BootState, now: number, kind: string, details: Record<string, unknown>): Promise<void> {
    await this.d.store.transaction(async (tx) => {
      // Someone ran nodeset since we read the state: theirs wins.
      if ((await tx.bootStates.get(state.node))?.updatedAt !== state.updatedAt) return;
      await tx.bootStates.putMany([{ ...state, target: 'boot', oneshot: false, expiresAt: null, updatedAt: new Date(now).toISOString(), actor: 'system', cause: kind }]);
      await tx.events.append([{ actor: 'system', node: state.node, kind, details }]);
    });
  }
}

const join = (a: string, b: string) => [a.trim(), b].filter(Boolean).join(' ');
