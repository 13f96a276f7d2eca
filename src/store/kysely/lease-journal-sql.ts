// The leases table as a JournaledLeaseStore's journal: loaded once, then written in batches (a batch per commit).
import type { LeaseJournal } from '../../boot/dhcp/journaled-lease-store.ts';
import type { Insertable } from 'kysely';
import type { Lease } from '../../boot/dhcp/lease-store.ts';
import { chunks, inTransaction, type InventoryDb } from './in-transaction.ts';
import { toLease } from './lease-store-sql.ts';
import { perLength, rowsOf, type CompiledQuery } from './query-template.ts';
import type { LeasesTable } from './schema.ts';

const COLUMNS = ['ip', 'subnet', 'mac', 'client_id', 'state', 'expires_at', 'node', 'hostname'] as const;
/** Rows per statement: 100 x 8 parameters stays below SQLite's and pg's parameter limits. */
const CHUNK = 100;

export class SqlLeaseJournal implements LeaseJournal {
  readonly #db: InventoryDb;
  readonly #insert: (values: ReadonlyArray<string | number | null>) => CompiledQuery;
  readonly #delete: (ips: readonly string[]) => CompiledQuery;

  constructor(db: InventoryDb) {
    this.#db = db;
    this.#insert = perLength((v) => db.insertInto('leases').values(rowsOf(COLUMNS, v) as unknown as Array<Insertable<LeasesTable>>));
    this.#delete = perLength((v) => db.deleteFrom('leases').where('ip', 'in', v));
  }

  async load(): Promise<Lease[]> {
    return (await this.#db.selectFrom('leases').selectAll().execute()).map(toLease);
  }

  /**
   * Every touched address's row goes and comes back as it now is: written in any order, an update could meet the
   * old row of another address still holding the same MAC (the unique index on MAC and subnet), deleted first it
   * cannot.
   */
  async write(change: { put: Lease[]; drop: string[] }): Promise<void> {
    const gone = [...change.drop, ...change.put.map((l) => l.ip)];
    await inTransaction(this.#db, async (trx) => {
      for (const part of chunks(gone, CHUNK * COLUMNS.length)) await trx.executeQuery(this.#delete(part));
      for (const part of chunks(change.put, CHUNK)) {
        await trx.executeQuery(this.#insert(part.flatMap((l) => [l.ip, l.subnet, l.mac, l.clientId ?? null, l.state, l.expiresAt, l.node ?? null, l.hostname ?? null])));
      }
    });
  }
}
