// The journal of a JournaledLeaseStore in SQL: each batch of changes appended to lease_log (one page touched, not a
// page of the table and of each index per lease: migration 008), folded into the leases table every few thousand
// changes and at every start. SQLite only (INSERT OR REPLACE), like the store it serves: PostgreSQL controllers share
// the leases table itself (SqlLeaseStore).
// The background fold does not read the log back: the journal keeps the last committed row of each address changed
// since the previous fold (one per address, however often it changed: an OFFER and its ACK fold as one row), writes
// those, then deletes the log up to the last row they cover. Reading 1,024 log rows back took 2–3 ms, and a fold
// wrote each change of an address, not its last (bench/RESULTS.md, session 10).
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
  readonly #foldChunk: number;
  readonly #append: (values: Values) => CompiledQuery;
  readonly #insert: (values: Values) => CompiledQuery;
  readonly #delete: (ips: readonly string[]) => CompiledQuery;
  /** Changes appended since the last fold (a guess: other processes may fold too, which is harmless). */
  #appended = 0;
  /** The last committed row of each address changed since the background fold last took its rows. */
  #changed = new Map<string, Values>();
  /** The fold running, if any: folds never overlap (an older row written after a newer one would win). */
  #folding: Promise<unknown> | undefined;
  /** After a failed fold, none before this time (ms): a fault that stays (a full disk) is not retried per packet. */
  #foldAgainAt = 0;
  readonly #onFoldError: (err: unknown) => void;

  /** `onFoldError`: a background fold failed (the log keeps its rows; tried again FOLD_RETRY_MS later). */
  constructor(db: InventoryDb, opts: { foldEvery?: number; foldChunk?: number; onFoldError?: (err: unknown) => void } = {}) {
    this.#db = db;
    this.#foldEvery = opts.foldEvery ?? FOLD_EVERY;
    this.#foldChunk = opts.foldChunk ?? FOLD_CHUNK;
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

  /**
   * Appends the change in one transaction. JournaledLeaseStore writes one batch at a time, so when a write returns,
   * #changed holds every committed row: the write that crosses the fold mark takes them, with the log's last seq
   * read in its own transaction, and folds them in the background.
   */
  async write(change: { put: Lease[]; drop: string[] }): Promise<void> {
    const rows: Values[] = [
      ...change.drop.map((ip) => [ip, null, null, null, null, null, null, null]),
      ...change.put.map((l) => [l.ip, l.subnet, l.mac, l.clientId ?? null, l.state, l.expiresAt, l.node ?? null, l.hostname ?? null]),
    ];
    const folds = this.#appended + rows.length >= this.#foldEvery && !this.#folding && Date.now() >= this.#foldAgainAt;
    const mark = await inTransaction(this.#db, async (trx) => {
      for (const part of chunks(rows, CHUNK)) await trx.executeQuery(this.#append(part.flat()));
      if (!folds) return undefined;
      const r = await trx.selectFrom('lease_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
      return Number(r?.seq ?? 0);
    });
    for (const r of rows) this.#changed.set(r[0] as string, r);
    this.#appended += rows.length;
    if (mark === undefined || this.#folding) return;
    const taken = this.#changed;
    const count = this.#appended;
    this.#changed = new Map();
    this.#appended = 0;
    this.#folding = this.#foldInTurns(taken, mark).catch((err: unknown) => {
      // The log keeps every change the failed fold did not delete; its rows go back (newer ones since win), and a
      // write after FOLD_RETRY_MS tries again.
      for (const [ip, r] of taken) if (!this.#changed.has(ip)) this.#changed.set(ip, r);
      this.#appended += count;
      this.#foldAgainAt = Date.now() + FOLD_RETRY_MS;
      this.#onFoldError(err);
    }).finally(() => { this.#folding = undefined; });
  }

  /**
   * Writes `rows` (each address's last committed row up to log seq `mark`) into the table, FOLD_CHUNK per turn of the
   * event loop, starting after this write's callers have their answer; the last chunk's transaction deletes the log
   * up to `mark`. A crash or failure before that leaves the log whole: load() replays it over whatever was written.
   */
  async #foldInTurns(rows: Map<string, Values>, mark: number): Promise<void> {
    const all = [...rows.values()];
    for (let i = 0; i === 0 || i < all.length; i += this.#foldChunk) {
      await new Promise((r) => setImmediate(r));
      const part = all.slice(i, i + this.#foldChunk);
      const last = i + this.#foldChunk >= all.length;
      await inTransaction(this.#db, async (trx) => {
        await this.#writeRows(trx, part);
        if (last) await trx.deleteFrom('lease_log').where('seq', '<=', mark).execute();
      });
    }
  }

  /** Rows into the table: a null state deletes the address's row, any other replaces it (see fold()). */
  async #writeRows(trx: InventoryDb, rows: readonly Values[]): Promise<void> {
    const dropped = rows.filter((r) => r[4] === null).map((r) => r[0] as string);
    for (const part of chunks(dropped, CHUNK * COLUMNS.length)) await trx.executeQuery(this.#delete(part));
    const kept = rows.filter((r) => r[4] !== null);
    for (const part of chunks(kept, CHUNK)) await trx.executeQuery(this.#insert(part.flat()));
  }

  /**
   * Moves the log (its oldest `limit` rows) into the table in one transaction: each address's last change wins, a
   * drop deletes its row, a put replaces its row. A chunk may end inside a batch, whose rows are each address's final
   * state, not a history: two MACs that traded addresses in one batch would, half folded, hold one MAC twice in the
   * one-lease-per-MAC index. REPLACE deletes the table's row in the way; it was stale, and its address's own last
   * change is still in the log, for the next fold (or for load(), after a crash). A failed fold leaves the log as it
   * was. Returns the number of log rows folded. Waits for a background fold first: folds never overlap.
   */
  async fold(limit?: number): Promise<number> {
    while (this.#folding) await this.#folding;
    const folded = await inTransaction(this.#db, async (trx) => {
      const log = await trx.selectFrom('lease_log').selectAll().orderBy('seq').$if(limit !== undefined, (q) => q.limit(limit!)).execute();
      if (log.length === 0) return 0;
      const last = new Map<string, Selectable<LeaseLogTable>>();
      for (const r of log) last.set(r.ip, r);
      await this.#writeRows(trx, [...last.values()].map((r) => [r.ip, r.subnet, r.mac, r.client_id, r.state, r.expires_at === null ? null : Number(r.expires_at), r.node, r.hostname]));
      await trx.deleteFrom('lease_log').where('seq', '<=', log.at(-1)!.seq).execute();
      return log.length;
    });
    this.#appended = Math.max(0, this.#appended - folded);
    return folded;
  }
}
