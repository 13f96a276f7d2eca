// The store interfaces provisioning owns: boot states, profiles, install tokens, and the event log in one transaction.
import type { EventLog } from '../../store/inventory-store.ts';
import type { BootState } from './boot-state.ts';
import type { NewProfile, Profile, ProfilePatch } from './profile.ts';

export interface BootStateRepo {
  get(node: string): Promise<BootState | undefined>;
  /** States of these nodes (absent nodes have none); all states when `nodes` is undefined. */
  list(nodes?: readonly string[]): Promise<BootState[]>;
  /**
   * The inventory generation and these nodes' states, read in one statement (one snapshot of both). The boot-script
   * check (cached-boot-decider.ts) validates its cache with it: one query per request instead of two. Optional:
   * callers fall back to reading the generation and list() apart.
   */
  withGeneration?(nodes: readonly string[]): Promise<{ generation: number; states: BootState[] }>;
  /** Inserts or replaces each node's state (one statement per chunk: nodeset on 10,000 nodes stays fast). */
  putMany(states: readonly BootState[]): Promise<void>;
  /** States that expired, or installs whose deadline passed while pending/installing, at `now`. */
  due(now: number): Promise<BootState[]>;
}

export interface ProfileRepo {
  get(name: string): Promise<Profile | undefined>;
  list(): Promise<Profile[]>;
  /** DomainError conflict on a duplicate name. */
  create(p: NewProfile): Promise<Profile>;
  /** DomainError not-found / precondition-failed (expectedVersion). */
  update(name: string, patch: ProfilePatch, expectedVersion?: number): Promise<Profile>;
  remove(name: string): Promise<void>;
}

export type TokenPurpose = 'install' | 'up';

export interface InstallToken {
  /** Hex SHA-256 of the token: the token itself is never stored. */
  hash: string;
  node: string;
  purpose: TokenPurpose;
  createdAt: number;
  expiresAt: number;
  /** When it stopped being usable, and why (done, failed, up, revoked); null while usable. */
  spentAt: number | null;
  spentReason: string | null;
}

export interface InstallTokenRepo {
  insert(t: InstallToken): Promise<void>;
  byHash(hash: string): Promise<InstallToken | undefined>;
  /** Marks the nodes' unspent tokens of `purpose` (all purposes if undefined) spent with `reason`; returns how many. */
  revoke(nodes: readonly string[], purpose: TokenPurpose | undefined, now: number, reason: string): Promise<number>;
  /** Spends one token if it is still unspent; false if someone spent it first (exactly one caller wins). */
  spend(hash: string, now: number, reason: string): Promise<boolean>;
}

export interface ProvisioningRepos {
  bootStates: BootStateRepo;
  profiles: ProfileRepo;
  tokens: InstallTokenRepo;
  events: EventLog;
}

export interface ProvisioningStore extends ProvisioningRepos {
  /** All or nothing, events included (nodeset on 1,000 nodes is one transaction). */
  transaction<T>(fn: (tx: ProvisioningRepos) => Promise<T>): Promise<T>;
}
