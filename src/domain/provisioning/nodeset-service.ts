// nodeset: sets the next-boot state of every node of a noderange in ONE transaction, each change an event with cause and actor.
import { invalid, notFound } from '../errors.ts';
import type { Actor } from '../services/actor.ts';
import { parseTarget, type BootState, type TargetSpec } from './boot-state.ts';
import type { ProvisioningDeps } from './provisioning-deps.ts';

export interface NodesetOptions {
  /** The next boot consumes the state; the node falls back to `boot` afterwards. */
  oneshot?: boolean;
  /** Milliseconds from now after which the state falls back to `boot`. */
  expiresInMs?: number;
  actor: Actor;
  /** Why (a ticket, "rinstall", "discovery rule"…): recorded on every node's timeline. */
  cause?: string;
}

/** A node's state as `nodeset stat` shows it; nodes without a stored state show the default. */
export interface NodeBootStatus {
  node: string;
  state: BootState | null;
}

export class NodesetService {
  private readonly now: () => number;

  constructor(private readonly d: ProvisioningDeps) {
    this.now = d.now ?? Date.now;
  }

  /**
   * nodeset <noderange> <target>: `target` as typed (osimage[=p], boot, shell, discover, rescue, stateless=p) or parsed.
   * `osimage` without a value takes each node's inherited `osimage` attribute. Unknown nodes or profiles fail the
   * whole call before anything is written. Older unspent install tokens of these nodes are revoked.
   */
  async nodeset(range: string, target: string | TargetSpec, opts: NodesetOptions): Promise<BootState[]> {
    const spec = typeof target === 'string' ? parseTarget(target) : target;
    if (!spec) throw invalid(`unknown nodeset target '${String(target)}': use osimage[=<profile>], boot, shell, discover, rescue or stateless=<profile>`, 'target');
    if (opts.expiresInMs !== undefined && (!Number.isInteger(opts.expiresInMs) || opts.expiresInMs <= 0)) throw invalid('expires must be a positive duration', 'expires');
    const names = await this.d.inventory.resolve(range);
    const profiles = new Map<string, string | null>();
    if (spec.target === 'install' || spec.target === 'stateless') {
      const views = spec.profile ? undefined : new Map((await this.d.inventory.listNodes({ range, effective: true, limit: 100_000 })).items.map((n) => [n.name, n]));
      for (const name of names) {
        if (spec.profile) { profiles.set(name, spec.profile); continue; }
        const inherited = views?.get(name)?.effective?.osimage;
        if (inherited === undefined || inherited === '') throw invalid(`node ${name} has no osimage attribute: give ${spec.target === 'install' ? 'osimage' : 'stateless'}=<profile>`, 'target', { node: name });
        profiles.set(name, String(inherited));
      }
    }
    const now = this.now();
    const updatedAt = new Date(now).toISOString();
    return this.d.store.transaction(async (tx) => {
      for (const p of new Set(profiles.values())) if (p && !(await tx.profiles.get(p))) throw notFound(`profile '${p}'`, 'target');
      const before = new Map((await tx.bootStates.list(names)).map((s) => [s.node, s]));
      const states: BootState[] = names.map((node) => {
        const prev = before.get(node);
        const install = spec.target === 'install';
        return {
          node, target: spec.target, profile: profiles.get(node) ?? null, oneshot: opts.oneshot === true,
          expiresAt: opts.expiresInMs === undefined ? null : now + opts.expiresInMs,
          // A new install starts over; other targets keep the record of the last install (stat shows it).
          installStatus: install ? 'pending' : (prev?.installStatus ?? null),
          statusReason: install ? null : (prev?.statusReason ?? null),
          installDeadline: null, actor: opts.actor.name, cause: opts.cause ?? null, updatedAt,
        };
      });
      await tx.bootStates.putMany(states);
      await tx.tokens.revoke(names, 'install', now, 'nodeset');
      await tx.events.append(states.map((s) => ({
        actor: opts.actor.name, node: s.node, kind: 'boot-state.set',
        details: {
          from: opts.actor.from, cause: opts.cause ?? null, before: before.get(s.node)?.target ?? null, target: s.target,
          profile: s.profile, oneshot: s.oneshot, expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString(),
        },
      })));
      return states;
    });
  }

  /** nodeset <noderange> stat. */
  async stat(range: string): Promise<NodeBootStatus[]> {
    const names = await this.d.inventory.resolve(range);
    const byNode = new Map((await this.d.store.bootStates.list(names)).map((s) => [s.node, s]));
    return names.map((node) => ({ node, state: byNode.get(node) ?? null }));
  }

  async get(node: string): Promise<NodeBootStatus> {
    await this.d.inventory.getNode(node, { effective: true }); // not-found for unknown nodes
    return { node, state: (await this.d.store.bootStates.get(node)) ?? null };
  }
}
