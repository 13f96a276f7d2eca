// A node's next-boot state (xCAT nodeset) and the pure rules that turn it into what the node boots next.

/** What a node boots next. install = the profile's installer; boot = its local disk; the rest are stage0's environments. */
export const BOOT_TARGETS = ['install', 'boot', 'shell', 'discover', 'rescue', 'stateless'] as const;
export type BootTarget = (typeof BOOT_TARGETS)[number];

/** Progress of the last install: pending (set or script served), installing (agent started), installed, failed. */
export const INSTALL_STATUSES = ['pending', 'installing', 'installed', 'failed'] as const;
export type InstallStatus = (typeof INSTALL_STATUSES)[number];

export interface BootState {
  node: string;
  target: BootTarget;
  /** The profile (osimage) for install and stateless; null otherwise. */
  profile: string | null;
  /** One-shot: the next boot consumes the state and the node falls back to `boot`. */
  oneshot: boolean;
  /** Epoch ms after which the state falls back to `boot` (recorded as an event); null = never. */
  expiresAt: number | null;
  installStatus: InstallStatus | null;
  /** Why the install failed (failed), or other short status text. */
  statusReason: string | null;
  /** Epoch ms by which an install that was started must report done, else it is marked failed ("timeout"). */
  installDeadline: number | null;
  /** Who set the state, and why (the event log has the full history). */
  actor: string;
  cause: string | null;
  updatedAt: string;
}

/** Environments stage0 boots itself (the provisioning environment), with stage0.mode=<target>. */
export const ENV_TARGETS: readonly BootTarget[] = ['shell', 'discover', 'rescue'];

/** What the rules decide for the next boot of a node that has a state; `legacy` = no state, use the attribute path. */
export type NextBoot =
  | { kind: 'local'; reason: string }
  | { kind: 'install'; profile: string; reason: string }
  | { kind: 'stateless'; profile: string; reason: string }
  | { kind: 'env'; mode: 'shell' | 'discover' | 'rescue'; reason: string }
  /** Never the installer: a failed install waits for someone to run nodeset again. */
  | { kind: 'hold'; reason: string }
  | { kind: 'legacy'; reason: string };

export interface NextBootDecision {
  next: NextBoot;
  /** The state expired: it must be replaced by `boot` and the expiry recorded. */
  expired: boolean;
  /** A one-shot state is being used: it must be replaced by `boot` once the script is served. */
  consumed: boolean;
}

export function isExpired(s: Pick<BootState, 'expiresAt'>, now: number): boolean {
  return s.expiresAt !== null && s.expiresAt <= now;
}

/**
 * The one rule table (see boot-state.test.ts). Order matters: an expired state is `boot`; a failed install holds
 * until nodeset (never loops into the installer); an installed node boots its disk.
 */
export function decideNextBoot(s: BootState | undefined, now: number): NextBootDecision {
  if (!s) return { next: { kind: 'legacy', reason: 'no boot state' }, expired: false, consumed: false };
  if (isExpired(s, now)) return { next: { kind: 'local', reason: `state ${s.target} expired` }, expired: true, consumed: false };
  const consumed = s.oneshot && s.target !== 'boot';
  switch (s.target) {
    case 'boot':
      return { next: { kind: 'local', reason: s.installStatus === 'installed' ? 'installed: boot from disk' : 'nodeset boot' }, expired: false, consumed: false };
    case 'install':
      if (s.installStatus === 'failed') return { next: { kind: 'hold', reason: `install failed: ${s.statusReason ?? 'unknown reason'}; run nodeset to try again` }, expired: false, consumed: false };
      if (s.installStatus === 'installed') return { next: { kind: 'local', reason: 'installed: boot from disk' }, expired: false, consumed: false };
      return { next: { kind: 'install', profile: s.profile ?? '', reason: `nodeset osimage=${s.profile}` }, expired: false, consumed };
    case 'stateless':
      return { next: { kind: 'stateless', profile: s.profile ?? '', reason: `nodeset stateless=${s.profile}` }, expired: false, consumed };
    case 'shell':
    case 'discover':
    case 'rescue':
      return { next: { kind: 'env', mode: s.target, reason: `nodeset ${s.target}` }, expired: false, consumed };
  }
}

/** A parsed nodeset target: `osimage` without a value takes the node's inherited `osimage` attribute. */
export type TargetSpec = { target: BootTarget; profile?: string; inherit?: boolean };

/** Parses `osimage[=p] | install[=p] | boot | local | shell | discover | rescue | stateless=p`; undefined if unknown. */
export function parseTarget(text: string): TargetSpec | undefined {
  const m = /^([a-z]+)(?:=(.*))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, verb, value] = m;
  const profile = value === undefined || value === '' ? undefined : value;
  switch (verb) {
    case 'osimage':
    case 'install':
      return profile ? { target: 'install', profile } : { target: 'install', inherit: true };
    case 'stateless':
      return profile ? { target: 'stateless', profile } : { target: 'stateless', inherit: true };
    case 'boot':
    case 'local':
      return value === undefined ? { target: 'boot' } : undefined;
    case 'shell':
    case 'discover':
    case 'rescue':
      return value === undefined ? { target: verb } : undefined;
    default:
      return undefined;
  }
}
