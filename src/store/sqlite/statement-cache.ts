// Prepared statements reused by SQL text: kysely's SQLite driver calls prepare() for every query, and parsing and
// planning the same statement again showed as the largest self time of the boot-script path (bench/RESULTS.md).
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Wraps a better-sqlite3 database so `prepare(sql)` returns the statement prepared before for the same text (LRU,
 * at most `max`). Safe with kysely because its SQLite driver runs one query at a time on its single connection,
 * so a cached statement is never still iterating when it is used again.
 */
export function withStatementCache(db: SqliteDatabase, max = 500): SqliteDatabase & { readonly cached: number } {
  const cache = new Map<string, SqliteStatement>();
  return {
    get cached() {
      return cache.size;
    },
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql); // re-insert: Map order is the LRU order
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
