// PostgreSQL backend: a pg connection pool behind kysely's PostgresDialect.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { InventoryStore } from '../inventory-store.ts';
import { KyselyInventoryStore } from '../kysely/kysely-inventory-store.ts';
import { migrateToLatest } from '../kysely/migrate.ts';
import type { InventorySchema } from '../kysely/schema.ts';

export interface PostgresStoreOptions {
  /** Called with the SQL text of every query (diagnostics and the no-N+1 test). */
  onQuery?: (sql: string) => void;
  /** Pool size (default 10). */
  maxConnections?: number;
}

/** Connects to `url` (postgres://user:pass@host:port/db) and migrates; concurrent openers are serialised by kysely's migration lock. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<InventoryStore> {
  return new KyselyInventoryStore(await openPostgresDatabase(url, opts));
}

/** The migrated kysely database, for stores that share it (inventory and leases). */
export async function openPostgresDatabase(url: string, opts: PostgresStoreOptions = {}): Promise<Kysely<InventorySchema>> {
  const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 10 });
  // An idle client losing its server emits 'error' on the pool; without a listener that would kill the process.
  // The next query reports the failure to its caller instead.
  pool.on('error', () => {});
  const onQuery = opts.onQuery;
  const db = new Kysely<InventorySchema>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery ? { log: (e) => { if (e.level === 'query') onQuery(e.query.sql); } } : {}),
  });
  try {
    await migrateToLatest(db, 'postgres');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}
