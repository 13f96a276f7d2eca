// The journal of a JournaledLeaseStore in SQL: each batch of changes appended to lease_log (one page touched, not a
// page of the table and of each index per lease: migration 008), folded into the leases table every few thousand
// changes and at every start. SQLite only (INSERT OR REPLACE), like the store it serves: PostgreSQL controllers share
// the leases table itself (SqlLeaseStore).
import type { Insertable, Selectable } from 'kysely';
import type { LeaseJournal } from '../../boot/dhcp/journaled-lease-store.ts';
import type { Lease } from '../../boot/dhcp/lease-store.ts';
import { chunks, inTransaction, type InventoryDb } from './in-transaction.ts';
import { toLease } from './lease-store-sql.ts';
import { perLength, rowsOf, type CompiledQuery } from './query-template.ts';
import type { LeaseLogTable, LeasesTable } from './schema.ts';

const COLUMNS = ['ip', 'subnet', 'mac', 'client_id', 'state', 'expires_at', 'node', 'hostname'] as const;
type Values = Array<string | number | null>;
/** Rows per statement: 100 x 8 parameters stays below SQLite's and pg's parameter limits. */
const CHUNK = 100;
/** Appended changes that start folding: ~2 s of a 2,000 DORA/s storm. */
export const FOLD_EVERY = 8192;
/**
 * Log rows folded per transaction: ~10 ms of table and index writes on the event loop (better-sqlite3 is
 * synchronous), then the loop turns; 8,192 at once stalled DHCP for 60-80 ms.
 */
export const FOLD_CHUNK = 1024;
/** Pause after a failed background fold. */
export const FOLD_RETRY_MS = 10_000;

export class SqlLeaseJournal implements LeaseJournal {
  readonly #db: InventoryDb;
  readonly #foldEvery: number;
  readonly #append: (values: Values) => CompiledQuery;
  readonly #insert: (values: Values) => CompiledQuery;
  readonly #delete: (ips: readonly string[]) => CompiledQuery;
  /** Changes appended since the last fold (a guess: other processes may fold too, which is harmless). */
  #appended = 0;
  #folding = false;
  /** After a failed fold, none before this time (ms): a fault that stays (a full disk) is not retried per packet. */
  #foldAgainAt = 0;
  readonly #onFoldError: (err: unknown) => void;

  /** `onFoldError`: a background fold failed (the log keeps its rows; tried again FOLD_RETRY_MS later). */
  constructor(db: InventoryDb, opts: { foldEvery?: number; onFoldError?: (err: unknown) => void } = {}) {
    this.#db = db;
    this.#foldEvery = opts.foldEvery ?? FOLD_EVERY;
    this.#onFoldError = opts.onFoldError ?? (() => undefined);
    this.#append = perLength((v) => db.insertInto('lease_log').values(rowsOf(COLUMNS, v) as unknown as Array<Insertable<LeaseLogTable>>));
    // REPLACE (SQLite) also drops a row of another address that holds the same MAC: see fold().
    this.#insert = perLength((v) => db.insertInto('leases').orReplace().values(rowsOf(COLUMNS, v) as unknown as Array<Insertable<LeasesTable>>));
    this.#delete = perLength((v) => db.deleteFrom('leases').where('ip', 'in', v));
  }

  /** Folds what the log holds, then reads the table: the rows as the last committed change left them. */
  async load(): Promise<Lease[]> {
    await this.fold();
    return (await this.#db.selectFrom('leases').selectAll().execute()).map(toLease);
  }

  async write(change: { put: Lease[]; drop: string[] }): Promise<void> {
    const rows: Values[] = [
      ...change.drop.map((ip) => [ip, null, null, null, null, null, null, null]),
      ...change.put.map((l) => [l.ip, l.subnet, l.mac, l.clientId ?? null, l.state, l.expiresAt, l.node ?? null, l.hostname ?? null]),
    ];
    await inTransaction(this.#db, async (trx) => {
      for (const part of chunks(rows, CHUNK)) await trx.executeQuery(this.#append(part.flat()));
    });
    this.#appended += rows.length;
    if (this.#appended >= this.#foldEvery && !this.#folding && Date.now() >= this.#foldAgainAt) {
      this.#folding = true;
      void this.#foldInTurns().finally(() => { this.#folding = false; });
    }
  }

  /** Folds the log a chunk per turn of the event loop, starting after this write's callers have their answer. */
  async #foldInTurns(): Promise<void> {
    try {
      do await new Promise((r) => setImmediate(r));
      while ((await this.fold(FOLD_CHUNK)) === FOLD_CHUNK);
    } catch (err) {
      // The log keeps what the failed fold did not move; a write after FOLD_RETRY_MS that finds it long tries again.
      this.#foldAgainAt = Date.now() + FOLD_RETRY_MS;
      this.#onFoldError(err);
    }
  }

  /**
   * Moves the log (its oldest `limit` rows) into the table in one transaction: each address's last change wins, a
   * drop deletes its row, a put replaces its row. A chunk may end inside a batch, whose rows are each address's final
   * state, not a history: two MACs that traded addresses in one batch would, half folded, hold one MAC twice in the
   * one-lease-per-MAC index. REPLACE deletes the table's row in the way; it was stale, and its address's own last
   * change is still in the log, for the next fold (or for load(), after a crash). A failed fold leaves the log as it
   * was. Returns the number of log rows folded.
   */
  async fold(limit?: number): Promise<number> {
    const folded = await inTransaction(this.#db, async (trx) => {
      const log = await trx.selectFrom('lease_log').selectAll().orderBy('seq').$if(limit !== undefined, (q) => q.limit(limit!)).execute();
      if (log.length === 0) return 0;
      const last = new Map<string, Selectable<LeaseLogTable>>();
      for (const r of log) last.set(r.ip, r);
      const dropped = [...last.values()].filter((r) => r.state === null).map((r) => r.ip);
      for (const part of chunks(dropped, CHUNK * COLUMNS.length)) await trx.executeQuery(this.#delete(part));
      const kept = [...last.values()].filter((r) => r.state !== null);
      for (const part of chunks(kept, CHUNK)) {
        await trx.executeQuery(this.#insert(part.flatMap((r) => [r.ip, r.subnet, r.mac, r.client_id, r.state, Number(r.expires_at), r.node, r.hostname])));
      }
      await trx.deleteFrom('lease_log').where('seq', '<=', log.at(-1)!.seq).execute();
      return log.length;
    });
    this.#appended = Math.max(0, this.#appended - folded);
    return folded;
  }
}
