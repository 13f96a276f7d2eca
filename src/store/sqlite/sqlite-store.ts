// SQLite backend: a better-sqlite3 file in WAL mode behind kysely's SqliteDialect (one serialised connection).
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { InventoryStore } from '../inventory-store.ts';
import { withStatementCache } from './statement-cache.ts';
import { KyselyInventoryStore } from '../kysely/kysely-inventory-store.ts';
import { migrateToLatest } from '../kysely/migrate.ts';
import type { InventorySchema } from '../kysely/schema.ts';

export interface SqliteStoreOptions {
  /** Called with the SQL text of every query (diagnostics and the no-N+1 test). */
  onQuery?: (sql: string) => void;
  /** How long a write waits for another process holding the file lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/** Opens (creating if needed) and migrates the database file at `path`. */
export async function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Promise<InventoryStore> {
  return new KyselyInventoryStore(await openSqliteDatabase(path, opts));
}

/** The migrated kysely database, for stores that share the file (inventory and leases). */
export async function openSqliteDatabase(path: string, opts: SqliteStoreOptions = {}): Promise<Kysely<InventorySchema>> {
  const file = new Database(path);
  try {
    // WAL lets readers in other processes (backups, the CLI) proceed during writes; NORMAL is durable in WAL
    // except for the last transactions on power loss, which is acceptable for an inventory that is also in events.
    file.pragma('journal_mode = WAL');
    file.pragma('foreign_keys = ON');
    file.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    file.pragma('synchronous = NORMAL');
  } catch (err) {
    file.close();
    throw err;
  }
  const onQuery = opts.onQuery;
  const db = new Kysely<InventorySchema>({
    dialect: new SqliteDialect({ database: withStatementCache(file) }),
    ...(onQuery ? { log: (e) => { if (e.level === 'query') onQuery(e.query.sql); } } : {}),
  });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}
