// LeaseStore on kysely (SQLite and PostgreSQL): the database's constraints, not the caller, keep addresses unique.
import { sql, type Selectable } from 'kysely';
import { compareIps } from '../../boot/dhcp/ipv4.ts';
import type { Lease, LeaseClaim, LeaseState, LeaseStore } from '../../boot/dhcp/lease-store.ts';
import { conflict, DomainError, isConflict } from '../../domain/errors.ts';
import { inTransaction, type InventoryDb } from './in-transaction.ts';
import { queryTemplate } from './query-template.ts';
import { oncePerTurn } from '../../lib/per-turn.ts';
import type { LeasesTable } from './schema.ts';

/** States that keep an address from other MACs while expires_at is in the future (see isHeld). */
const HOLDING: LeaseState[] = ['offered', 'bound', 'declined'];
/**
 * The partial unique index leases_one_per_mac (mac, subnet) WHERE state <> 'declined' is used by a query only when
 * the query says the same with a literal: with a bound parameter SQLite searched by subnet, a scan of every lease
 * of the subnet for each lookup (10,000 leases: ~100 DORA/s).
 */
const NOT_DECLINED = sql.lit<LeaseState>('declined');

/** The queries of a DHCP exchange, compiled once (building them each time cost more than running them). */
function hotQueries(db: InventoryDb) {
  const S = (name: string) => `\u0000${name}`;
  return {
    byIp: queryTemplate((ip: string) => db.selectFrom('leases').selectAll().where('ip', '=', ip), [S('ip')]),
    byMac: queryTemplate((mac: string, subnet: string) => db.selectFrom('leases').selectAll()
      .where('mac', '=', mac).where('subnet', '=', subnet).where('state', '<>', NOT_DECLINED), [S('mac'), S('subnet')]),
    dropOtherOfMac: queryTemplate((mac: string, subnet: string, ip: string) => db.deleteFrom('leases').where('mac', '=', mac)
      .where('subnet', '=', subnet).where('state', '<>', NOT_DECLINED).where('ip', '<>', ip), [S('mac'), S('subnet'), S('ip')]),
    // Takes the address unless it is held by another MAC or declined (the WHERE of the upsert, see #hold).
    take: queryTemplate((ip: string, subnet: string, mac: string, clientId: string, state: string, expiresAt: number, node: string, hostname: string, now: number) =>
      db.insertInto('leases').values({ ip, subnet, mac, client_id: clientId, state: state as LeaseState, expires_at: expiresAt, node, hostname })
        .onConflict((oc) => oc.column('ip').doUpdateSet((eb) => ({
          subnet: eb.ref('excluded.subnet'), mac: eb.ref('excluded.mac'), client_id: eb.ref('excluded.client_id'),
          state: eb.ref('excluded.state'), expires_at: eb.ref('excluded.expires_at'), node: eb.ref('excluded.node'),
          hostname: eb.ref('excluded.hostname'),
        })).where((eb) => eb.not(eb.and([
          eb('leases.state', 'in', HOLDING),
          eb('leases.expires_at', '>', now),
          eb.or([eb('leases.mac', '<>', eb.ref('excluded.mac')), eb('leases.state', '=', 'declined')]),
        ]))))
        .returningAll(), [S('ip'), S('subnet'), S('mac'), S('clientId'), S('state'), -7_700_001, S('node'), S('hostname'), -7_700_002]),
    // The (state, expires_at) index keeps this to the live offers, whatever the number of leases.
    unknownOffers: queryTemplate((subnet: string, now: number) => db.selectFrom('leases').select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('state', '=', 'offered').where('expires_at', '>', now).where('subnet', '=', subnet).where('node', 'is', null), [S('subnet'), -7_700_003]),
  };
}

export class SqlLeaseStore implements LeaseStore {
  readonly #db: InventoryDb;
  readonly #q: ReturnType<typeof hotQueries>;
  /** OFFERs and binds waiting for the next group commit, in arrival order. */
  #writes: Array<{ claim: LeaseClaim; state: 'offered' | 'bound'; now: number; resolve: (l: Lease) => void; reject: (e: unknown) => void }> = [];

  constructor(db: InventoryDb) {
    this.#db = db;
    this.#q = hotQueries(db);
  }

  async getByIp(ip: string): Promise<Lease | undefined> {
    const row = (await this.#db.executeQuery(this.#q.byIp(ip))).rows[0];
    return row && toLease(row);
  }

  async getByMac(mac: string, subnet: string): Promise<Lease | undefined> {
    const row = (await this.#db.executeQuery(this.#q.byMac(mac, subnet))).rows[0];
    return row && toLease(row);
  }

  offer(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.#write(claim, 'offered', now);
  }

  bind(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.#write(claim, 'bound', now);
  }

  /**
   * Group commit: the OFFERs and binds that arrive while the previous batch commits (a storm's DISCOVERs and
   * REQUESTs) share one transaction, so each reply still waits for its lease to be committed but commits are paid
   * once per batch. One batch at a time per store: two batches at once on PostgreSQL's pool could lock rows in
   * opposite orders and deadlock.
   */
  #write(claim: LeaseClaim, state: 'offered' | 'bound', now: number): Promise<Lease> {
    if (this.#db.isTransaction) return this.#hold(claim, state, now);
    return new Promise<Lease>((resolve, reject) => {
      this.#writes.push({ claim, state, now, resolve, reject });
      this.#schedule();
    });
  }

  #flushing = false;
  readonly #flushNextTurn = oncePerTurn(() => void this.#flush());

  #schedule(): void {
    if (!this.#flushing) this.#flushNextTurn();
  }

  async #flush(): Promise<void> {
    if (this.#flushing || this.#writes.length === 0) return;
    this.#flushing = true;
    const batch = this.#writes;
    this.#writes = [];
    try {
      let outcomes: Array<Lease | DomainError> | undefined;
      try {
        outcomes = await inTransaction(this.#db, async (trx) => {
          const out: Array<Lease | DomainError> = [];
          // One after the other, as separate transactions would run: a later write sees an earlier one's row.
          for (const op of batch) out.push(await this.#take(trx, op.claim, op.state, op.now).catch((e: unknown) => (isConflict(e) ? e : Promise.reject(e))));
          return out;
        });
      } catch {
        // The batch failed as a whole (a constraint tripped by another controller, a deadlock with another controller,
        // an I/O error): each write again on its own, one after the other, so only the one at fault fails.
        for (const op of batch) await this.#holdRetrying(op.claim, op.state, op.now).then(op.resolve, op.reject);
      }
      if (outcomes) {
        batch.forEach((op, i) => {
          const o = outcomes[i]!;
          if (o instanceof DomainError) op.reject(o);
          else op.resolve(o);
        });
      }
    } finally {
      this.#flushing = false;
      if (this.#writes.length > 0) this.#schedule();
    }
  }

  /** #hold, again after a PostgreSQL deadlock or serialization failure (another controller's transaction won). */
  async #holdRetrying(claim: LeaseClaim, state: 'offered' | 'bound', now: number): Promise<Lease> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#hold(claim, state, now);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw e;
        await new Promise((r) => setTimeout(r, attempt * (2 + Math.random() * 8)));
      }
    }
  }

  release(ip: string, mac: string, now: number): Promise<boolean> {
    return this.#transition(ip, mac, now, 'released', now);
  }

  withdrawOffer(ip: string, mac: string, now: number): Promise<boolean> {
    return this.#transition(ip, mac, now, 'released', now, ['offered']);
  }

  decline(ip: string, mac: string, until: number, now: number): Promise<boolean> {
    return this.#transition(ip, mac, now, 'declined', until);
  }

  /** Returns the leases that expired as they were just before (state offered or bound). */
  async expire(now: number): Promise<Lease[]> {
    return inTransaction(this.#db, async (trx) => {
      const due = await trx.selectFrom('leases').selectAll()
        .where('state', 'in', ['offered', 'bound']).where('expires_at', '<=', now).execute();
      // The update re-evaluates the condition, so a lease renewed since the select stays (PostgreSQL, read
      // committed); a lease that became due in between is reported as the update left it.
      const done = due.length === 0 ? [] : await trx.updateTable('leases').set({ state: 'expired' })
        .where('state', 'in', ['offered', 'bound']).where('expires_at', '<=', now).returningAll().execute();
      const before = new Map(due.map((r) => [r.ip, r]));
      await trx.deleteFrom('leases').where('state', '=', 'declined').where('expires_at', '<=', now).execute();
      return done.map((r) => toLease(before.get(r.ip) ?? r));
    });
  }

  async list(filter: { subnet?: string } = {}): Promise<Lease[]> {
    const rows = await this.#db.selectFrom('leases').selectAll()
      .$if(filter.subnet !== undefined, (q) => q.where('subnet', '=', filter.subnet!)).execute();
    return rows.map(toLease).sort((a, b) => compareIps(a.ip, b.ip));
  }

  async oldestFree(subnet: string, now: number, limit: number): Promise<Lease[]> {
    const rows = await this.#db.selectFrom('leases').selectAll().where('subnet', '=', subnet)
      .where((eb) => eb.or([eb('state', 'not in', HOLDING), eb('expires_at', '<=', now)]))
      .orderBy('expires_at').limit(limit).execute();
    // Ties in expiry by address, as the memory store does (SQL sorts text addresses wrongly).
    return rows.map(toLease).sort((a, b) => a.expiresAt - b.expiresAt || compareIps(a.ip, b.ip));
  }

  async countUnknownOffers(subnet: string, now: number): Promise<number> {
    const row = (await this.#db.executeQuery(this.#q.unknownOffers(subnet, now))).rows[0];
    return Number(row?.n ?? 0);
  }

  /**
   * One transaction: drop the MAC's other lease in the subnet, then take the address with an upsert whose WHERE
   * refuses a row held by someone else. The upsert locks the row (PostgreSQL), so the check and the write are one
   * step; a concurrent second lease for the same MAC trips the partial unique index and surfaces as conflict.
   */
  #hold(claim: LeaseClaim, state: 'offered' | 'bound', now: number): Promise<Lease> {
    return inTransaction(this.#db, (trx) => this.#take(trx, claim, state, now));
  }

  /** The body of #hold, in the caller's transaction. */
  async #take(trx: InventoryDb, claim: LeaseClaim, state: 'offered' | 'bound', now: number): Promise<Lease> {
    const q = this.#q;
    await trx.executeQuery(q.dropOtherOfMac(claim.mac, claim.subnet, claim.ip));
    const taken = (await trx.executeQuery(q.take(claim.ip, claim.subnet, claim.mac, claim.clientId ?? null, state, claim.expiresAt,
      claim.node ?? null, claim.hostname ?? null, now))).rows[0];
    if (!taken) {
      const holder = await trx.selectFrom('leases').select(['mac', 'state']).where('ip', '=', claim.ip).executeTakeFirst();
      throw conflict(`address ${claim.ip} is held by ${holder?.state === 'declined' ? 'a decline' : holder?.mac ?? 'another client'}`, 'ip');
    }
    return toLease(taken);
  }

  /** One conditional UPDATE: the state check and the change are one step, whatever another controller does. */
  async #transition(ip: string, mac: string, now: number, state: LeaseState, expiresAt: number, from: LeaseState[] = ['offered', 'bound']): Promise<boolean> {
    const res = await this.#db.updateTable('leases').set({ state, expires_at: expiresAt })
      .where('ip', '=', ip).where('mac', '=', mac).where('state', 'in', from).where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}

export function toLease(r: Selectable<LeasesTable>): Lease {
  const lease: Lease = { ip: r.ip, mac: r.mac, subnet: r.subnet, state: r.state, expiresAt: Number(r.expires_at) };
  if (r.client_id !== null) lease.clientId = r.client_id;
  if (r.node !== null) lease.node = r.node;
  if (r.hostname !== null) lease.hostname = r.hostname;
  return lease;
}
