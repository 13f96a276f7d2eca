// In-memory LeaseStore: the leases themselves for JournaledLeaseStore (SQLite), and a store of its own for tests and
// for running without a database (then leases die with the process).
import { conflict } from '../../domain/errors.ts';
import { ipToInt } from './ipv4.ts';
import { isHeld, type Lease, type LeaseClaim, type LeaseState, type LeaseStore } from './lease-store.ts';

/** Called before a row changes, with the row as it was (undefined: there was none), so a journal can follow. */
export type LeaseRowObserver = (ip: string, before: Lease | undefined) => void;

export class MemoryLeaseStore implements LeaseStore {
  readonly #byIp = new Map<string, Lease>();
  /** The ip of each MAC's non-declined lease per subnet (invariant 2 makes it unique). */
  readonly #byMac = new MacIndex();
  readonly #observe: LeaseRowObserver | undefined;

  /** `initial`: rows to start from (what a persistent store reloads); `observe`: told of every row change. */
  constructor(initial: readonly Lease[] = [], observe?: LeaseRowObserver) {
    for (const l of initial) this.#put({ ...l });
    this.#observe = observe;
  }

  async getByIp(ip: string): Promise<Lease | undefined> {
    return this.row(ip);
  }

  async getByMac(mac: string, subnet: string): Promise<Lease | undefined> {
    const l = this.#macRow(mac, subnet);
    return l && { ...l };
  }

  async offer(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.hold(claim, 'offered', now);
  }

  async bind(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.hold(claim, 'bound', now);
  }

  async release(ip: string, mac: string, now: number): Promise<boolean> {
    return this.transition(ip, mac, now, 'released', now);
  }

  async withdrawOffer(ip: string, mac: string, now: number): Promise<boolean> {
    return this.transition(ip, mac, now, 'released', now, ['offered']);
  }

  async decline(ip: string, mac: string, until: number, now: number): Promise<boolean> {
    return this.transition(ip, mac, now, 'declined', until);
  }

  async expire(now: number): Promise<Lease[]> {
    return this.expireNow(now);
  }

  async list(filter: { subnet?: string } = {}): Promise<Lease[]> {
    return [...this.#byIp.values()]
      .filter((l) => filter.subnet === undefined || l.subnet === filter.subnet)
      .map((l) => [ipToInt(l.ip), l] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, l]) => ({ ...l }));
  }

  /** One pass keeping the `limit` best (a DISCOVER in a pool with no never-used address left calls this). */
  async oldestFree(subnet: string, now: number, limit: number): Promise<Lease[]> {
    const best: Array<{ l: Lease; n: number }> = [];
    for (const l of this.#byIp.values()) {
      if (l.subnet !== subnet || isHeld(l, now)) continue;
      const n = ipToInt(l.ip);
      if (best.length === limit && !before(l, n, best[limit - 1]!)) continue;
      let i = best.length === limit ? limit - 1 : best.length;
      while (i > 0 && before(l, n, best[i - 1]!)) i--;
      best.splice(i, 0, { l, n });
      if (best.length > limit) best.pop();
    }
    return best.map(({ l }) => ({ ...l }));
  }

  async countUnknownOffers(subnet: string, now: number): Promise<number> {
    let n = 0;
    for (const l of this.#byIp.values()) if (l.subnet === subnet && l.state === 'offered' && !l.node && l.expiresAt > now) n++;
    return n;
  }

  /** A copy of the address's row, if any. */
  row(ip: string): Lease | undefined {
    const l = this.#byIp.get(ip);
    return l && { ...l };
  }

  /** Check and write with no await in between: that is what makes this store atomic. */
  hold(claim: LeaseClaim, state: LeaseState, now: number): Lease {
    const cur = this.#byIp.get(claim.ip);
    if (cur && isHeld(cur, now) && (cur.mac !== claim.mac || cur.state === 'declined')) {
      throw conflict(`address ${claim.ip} is held by ${cur.state === 'declined' ? 'a decline' : cur.mac}`, 'ip');
    }
    const previous = this.#macRow(claim.mac, claim.subnet);
    if (previous && previous.ip !== claim.ip) {
      this.#observe?.(previous.ip, { ...previous });
      this.#byIp.delete(previous.ip);
    }
    if (cur && cur.mac !== claim.mac && cur.state !== 'declined') this.#byMac.delete(cur);
    this.#observe?.(claim.ip, cur && { ...cur });
    // Not `{ ...claim, state }`: a spread followed by a new key is ~1 µs on Node 20, Object.assign ~0.1 (session 12).
    const lease: Lease = Object.assign({}, claim, { state });
    this.#put(lease);
    return { ...lease };
  }

  /** Changes `mac`'s live lease of `ip` when its state is one of `from`, as the SQL store's conditional UPDATE. */
  transition(ip: string, mac: string, now: number, state: LeaseState, expiresAt: number, from: readonly LeaseState[] = ['offered', 'bound']): boolean {
    const cur = this.#byIp.get(ip);
    if (!cur || cur.mac !== mac || !from.includes(cur.state) || cur.expiresAt <= now) return false;
    this.#observe?.(ip, { ...cur });
    cur.state = state;
    cur.expiresAt = expiresAt;
    if (state === 'declined') this.#byMac.delete(cur);
    return true;
  }

  /** Offered/bound leases past expiry become 'expired' (returned as they were); declined rows past their hold go. */
  expireNow(now: number): Lease[] {
    const gone: Lease[] = [];
    for (const [ip, l] of this.#byIp) {
      if (l.expiresAt > now) continue;
      if (l.state === 'declined') {
        this.#observe?.(ip, { ...l });
        this.#byIp.delete(ip); // declined rows are not in #byMac
      } else if (l.state === 'offered' || l.state === 'bound') {
        this.#observe?.(ip, { ...l });
        gone.push({ ...l });
        l.state = 'expired';
      }
    }
    return gone;
  }

  /** Puts rows back as they were (undefined: no row), unobserved: a journal undoing what it could not write. */
  restore(rows: ReadonlyMap<string, Lease | undefined>): void {
    for (const [ip, l] of rows) {
      if (l) this.#byIp.set(ip, { ...l });
      else this.#byIp.delete(ip);
    }
    // Rare (a failed commit): rebuilding the MAC index whole is simpler to trust than patching it row by row.
    this.#byMac.clear();
    for (const l of this.#byIp.values()) if (l.state !== 'declined') this.#byMac.set(l);
  }

  #macRow(mac: string, subnet: string): Lease | undefined {
    const ip = this.#byMac.get(subnet, mac);
    return ip === undefined ? undefined : this.#byIp.get(ip);
  }

  #put(lease: Lease): void {
    this.#byIp.set(lease.ip, lease);
    if (lease.state !== 'declined') this.#byMac.set(lease);
  }
}

/**
 * subnet -> MAC -> ip. Two lookups of strings that keep their hash, where a `${subnet} ${mac}` key was built and
 * hashed again on every packet (the lookup with that key was 2.5 % of a DORA's CPU in a profile; the network bench
 * did not resolve the gain, bench/RESULTS.md session 12).
 */
class MacIndex {
  readonly #bySubnet = new Map<string, Map<string, string>>();

  get(subnet: string, mac: string): string | undefined {
    return this.#bySubnet.get(subnet)?.get(mac);
  }

  set(l: Pick<Lease, 'mac' | 'subnet' | 'ip'>): void {
    let macs = this.#bySubnet.get(l.subnet);
    if (!macs) this.#bySubnet.set(l.subnet, (macs = new Map()));
    macs.set(l.mac, l.ip);
  }

  delete(l: Pick<Lease, 'mac' | 'subnet'>): void {
    this.#bySubnet.get(l.subnet)?.delete(l.mac);
  }

  clear(): void {
    this.#bySubnet.clear();
  }
}

/** Reuse order: freed longest ago first, then by address. */
const before = (l: Lease, n: number, o: { l: Lease; n: number }): boolean => l.expiresAt < o.l.expiresAt || (l.expiresAt === o.l.expiresAt && n < o.n);
