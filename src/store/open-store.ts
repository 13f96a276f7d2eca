// The one place that picks a store backend from configuration; both backends migrate on open.
import type { LeaseStore } from '../boot/dhcp/lease-store.ts';
import type { InventoryStore } from './inventory-store.ts';
import { KyselyInventoryStore } from './kysely/kysely-inventory-store.ts';
import { SqlLeaseStore } from './kysely/lease-store-sql.ts';
import { SqlLeaseJournal } from './kysely/lease-journal-sql.ts';
import { JournaledLeaseStore } from '../boot/dhcp/journaled-lease-store.ts';
import { KyselyProvisioningStore } from './kysely/provisioning-store.ts';
import type { ProvisioningStore } from '../domain/provisioning/provisioning-store.ts';
import { kyselyAuthStore } from './kysely/auth-store-sql.ts';
import type { AuthStore } from '../auth/auth-store.ts';
import { kyselyDiscoveryStore } from './kysely/discovery-store-sql.ts';
import type { DiscoveryStore } from '../domain/discovery/discovery-store.ts';
import { openPostgresDatabase } from './postgres/postgres-store.ts';
import { openSqliteDatabase } from './sqlite/sqlite-store.ts';
import { takeLeaseOwnerLock, type LeaseOwnerLock } from './sqlite/lease-owner-lock.ts';

export type StoreConfig = {
  kind: 'sqlite';
  path: string;
  exclusive?: boolean;
  /** Told when a background fold of the lease log fails (nothing is lost: the log keeps the changes, retried later). */
  onLeaseFoldError?: (err: unknown) => void;
  /**
   * This process serves DHCP from the file (`stage0 serve`): refuse to open if another one does (lease-owner-lock.ts).
   * Other openers (the offline CLI, tests reading beside a server) leave it off: they write no leases.
   */
  ownLeases?: boolean;
} | { kind: 'postgres'; url: string };

export interface OpenedStores {
  inventory: InventoryStore;
  /** DHCP leases in the same database; closed by inventory.close(). */
  leases: LeaseStore;
  /** Users, tokens, sessions, policy and audit (migration 006) in the same database; closed by inventory.close(). */
  auth: AuthStore;
  /** Boot states, profiles, install tokens (migration 004) in the same database; closed by inventory.close(). */
  provisioning: ProvisioningStore;
  /** Discovery queue and rules (migration 005) in the same database; closed by inventory.close(). */
  discovery: DiscoveryStore;
}

export async function openStore(cfg: StoreConfig): Promise<InventoryStore> {
  return (await openStores(cfg)).inventory;
}

/** Inventory and leases over one connection (SQLite) or one pool (PostgreSQL). */
export async function openStores(cfg: StoreConfig): Promise<OpenedStores> {
  const owner = cfg.kind === 'sqlite' && cfg.ownLeases ? takeLeaseOwnerLock(cfg.path) : undefined;
  try {
    return await openWith(cfg, owner);
  } catch (err) {
    owner?.release();
    throw err;
  }
}

async function openWith(cfg: StoreConfig, owner: LeaseOwnerLock | undefined): Promise<OpenedStores> {
  const db = cfg.kind === 'sqlite' ? await openSqliteDatabase(cfg.path, { exclusive: cfg.exclusive ?? false }) : await openPostgresDatabase(cfg.url);
  // One controller owns a SQLite file: its leases can live in memory with the table as their journal. Several
  // controllers share PostgreSQL: each must see the others' leases, so they stay in the database.
  const leases = cfg.kind === 'sqlite' ? await JournaledLeaseStore.open(new SqlLeaseJournal(db, { onFoldError: cfg.onLeaseFoldError })) : new SqlLeaseStore(db);
  // The lock goes with the database: whoever closes the store (serve's shutdown, a test) frees the file for the next.
  const inventory = new KyselyInventoryStore(db, { afterClose: owner?.release });
  return { inventory, leases, provisioning: new KyselyProvisioningStore(db), auth: kyselyAuthStore(db), discovery: kyselyDiscoveryStore(db) };
}
