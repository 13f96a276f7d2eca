// Table shapes of the inventory database, shared by the SQLite and PostgreSQL backends (JSON columns hold text).
import type { ColumnType } from 'kysely';
import type { AuthSchema } from './auth-schema.ts';
import type { DiscoverySchema } from './discovery-schema.ts';
import type { ProvisioningSchema } from './provisioning-schema.ts';

/** The two SQL flavours the one kysely layer serves; only migrations and error mapping look at it. */
export type SqlFlavor = 'sqlite' | 'postgres';

export interface NodesTable {
  name: string;
  bmc: string | null;
  /** JSON array text: the ordered MACs, lower-case colon form (node_macs indexes them). */
  macs: string;
  /** JSON array text: the ordered group names, later ones override earlier ones (node_groups indexes them). */
  groups: string;
  /** JSON object text: Record<string, string | number | boolean>. */
  attrs: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface NodeMacsTable {
  /** Lower-case colon form; the primary key makes a MAC unique across all nodes. */
  mac: string;
  node: string;
}

export interface NodeGroupsTable {
  node: string;
  group_name: string;
}

export interface GroupsTable {
  name: string;
  attrs: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface SiteTable {
  /** Always 1: the site is a single row. */
  id: number;
  attrs: string;
  version: number;
  updated_at: string;
}

export interface EventsTable {
  /** PostgreSQL returns bigserial values as strings; the event log converts them to numbers. */
  id: ColumnType<number | string, never, never>;
  /** ISO-8601 UTC with milliseconds, so text order is time order. */
  time: string;
  actor: string;
  node: string | null;
  kind: string;
  details: string;
}

/** DHCP leases (migration 002); see src/boot/dhcp/lease-store.ts for the states. */
export interface LeasesTable {
  ip: string;
  subnet: string;
  mac: string;
  client_id: string | null;
  state: 'offered' | 'bound' | 'released' | 'expired' | 'declined';
  /** Epoch ms; pg returns bigint as a string. */
  expires_at: ColumnType<number | string, number, number>;
  node: string | null;
  hostname: string | null;
}

/** Lease changes not yet folded into `leases` (migration 008); state null: the address's row is gone. */
export interface LeaseLogTable {
  seq: ColumnType<number | string, never, never>;
  ip: string;
  subnet: string | null;
  mac: string | null;
  client_id: string | null;
  state: LeasesTable['state'] | null;
  expires_at: ColumnType<number | string | null, number | null, number | null>;
  node: string | null;
  hostname: string | null;
}

export interface InventorySchema extends ProvisioningSchema, AuthSchema, DiscoverySchema {
  nodes: NodesTable;
  node_macs: NodeMacsTable;
  node_groups: NodeGroupsTable;
  groups: GroupsTable;
  site: SiteTable;
  events: EventsTable;
  leases: LeasesTable;
  lease_log: LeaseLogTable;
  inventory_generation: { id: number; generation: number | string };
}
