// What the discovery service needs from storage: the queue of reported machines and the enrollment rules.
import type { DiscoveryFacts } from './discovery-facts.ts';
import type { DiscoveryRule, NewDiscoveryRule } from './discovery-rules.ts';

/** pending: waits for a rule or an operator; enrolled: a node exists for it; rejected: ignored until approved. */
export type DiscoveryStatus = 'pending' | 'enrolled' | 'rejected';

export interface DiscoveryEntry {
  id: number;
  /** The booted NIC's MAC: one entry per machine. */
  mac: string;
  status: DiscoveryStatus;
  /** The node it was enrolled as (or matched by MAC). */
  node: string | null;
  facts: DiscoveryFacts;
  sourceIp: string;
  firstSeen: string;
  lastSeen: string;
  reports: number;
  /** Rule that enrolled it, if a rule did. */
  rule: string | null;
  /** Who decided (rule:<name>, an operator, or 'inventory' for a known MAC). */
  decidedBy: string | null;
}

export interface DiscoveryEntryRepo {
  /** Inserts the entry for facts.bootMac, or updates facts, source, last seen and the report count of the existing one. */
  record(facts: DiscoveryFacts, sourceIp: string, now: string): Promise<DiscoveryEntry>;
  get(id: number): Promise<DiscoveryEntry | undefined>;
  /** The entry of this boot MAC, if any. */
  byMac(mac: string): Promise<DiscoveryEntry | undefined>;
  count(): Promise<number>;
  /** Oldest first. */
  list(status?: DiscoveryStatus): Promise<DiscoveryEntry[]>;
  decide(id: number, d: { status: DiscoveryStatus; node: string | null; rule: string | null; decidedBy: string }): Promise<DiscoveryEntry>;
}

export interface DiscoveryRuleRepo {
  /** Sorted by priority, then name. */
  list(): Promise<DiscoveryRule[]>;
  /** Throws DomainError conflict when the name exists. */
  add(rule: NewDiscoveryRule, now: string): Promise<DiscoveryRule>;
  /** Throws DomainError not-found. */
  remove(name: string): Promise<void>;
}

export interface DiscoveryStore {
  entries: DiscoveryEntryRepo;
  rules: DiscoveryRuleRepo;
}
