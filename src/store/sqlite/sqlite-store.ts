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
  /**
   * Hold the file's lock from opening to closing (`locking_mode = EXCLUSIVE`; WAL's index then lives in this
   * process's memory). Saves the lock and unlock SQLite otherwise takes around every statement outside a transaction
   * (four `fcntl` per boot-script request); no other process can read or write the file until it is closed.
   */
  exclusive?: boolean;
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
    file.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    file.pragma('journal_mode = WAL');
    file.pragma('foreign_keys = ON');
    file.pragma('synchronous = NORMAL');
    if (opts.exclusive) {
      file.pragma('locking_mode = EXCLUSIVE');
      // Take the lock now: a second stage0 (or a sqlite3 shell) on the same file fails here, by name, not later.
      file.exec('BEGIN EXCLUSIVE; COMMIT');
    }
  } catch (err) {
    file.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new Error(opts.exclusive
      ? `${path}: another process has the database open; store.exclusive needs it alone (${(err as Error).message})`
      : `${path}: the database is locked by another process (a stage0 with store.exclusive?) (${(err as Error).message})`);
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
