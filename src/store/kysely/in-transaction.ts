// Runs a repository write in the caller's transaction if there is one, otherwise in a fresh one.
import type { Kysely } from 'kysely';
import { translatingConstraints } from './constraint-error.ts';
import type { InventorySchema } from './schema.ts';

export type InventoryDb = Kysely<InventorySchema>;

/**
 * A write touches several tables (a node, its MACs, its groups); outside store.transaction() it still has to be all
 * or nothing, so it gets a transaction of its own. Constraint violations become DomainError conflict.
 */
export function inTransaction<T>(db: InventoryDb, fn: (trx: InventoryDb) => Promise<T>): Promise<T> {
  return translatingConstraints(db.isTransaction ? fn(db) : db.transaction().execute(fn));
}

export const nowIso = (): string => new Date().toISOString();

/** Splits a list for `IN (...)`: SQLite and pg both cap bound parameters per statement. */
export function chunks<T>(items: readonly T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
