// Table shapes of discovery (migration 005): the queue of reported machines and the enrollment rules.

export interface DiscoveryEntriesTable {
  /** Generated: SQLite integer primary key / PostgreSQL identity (pg may return it as a string). */
  id: import('kysely').Generated<number>;
  /** The booted NIC, lower-case colon form; one entry per machine. */
  mac: string;
  status: string;
  node: string | null;
  /** JSON text of the validated DiscoveryFacts. */
  facts: string;
  source_ip: string;
  first_seen: string;
  last_seen: string;
  reports: number;
  rule: string | null;
  decided_by: string | null;
}

export interface DiscoveryRulesTable {
  name: string;
  priority: number;
  /** JSON text of RuleMatch. */
  match: string;
  name_pattern: string;
  /** JSON array text. */
  groups: string;
  created_at: string;
}

export interface DiscoverySchema {
  discovery_entries: DiscoveryEntriesTable;
  discovery_rules: DiscoveryRulesTable;
}
