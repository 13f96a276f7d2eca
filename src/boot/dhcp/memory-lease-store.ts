// In-memory LeaseStore: for tests and for running without a database (leases die with the process).
import { conflict } from '../../domain/errors.ts';
import { compareIps } from './ipv4.ts';
import { isHeld, type Lease, type LeaseClaim, type LeaseState, type LeaseStore } from './lease-store.ts';

export class MemoryLeaseStore implements LeaseStore {
  readonly #byIp = new Map<string, Lease>();

  /** `initial`: rows to start from (what a persistent store would reload). */
  constructor(initial: readonly Lease[] = []) {
    for (const l of initial) this.#byIp.set(l.ip, { ...l });
  }

  async getByIp(ip: string): Promise<Lease | undefined> {
    const l = this.#byIp.get(ip);
    return l && { ...l };
  }

  async getByMac(mac: string, subnet: string): Promise<Lease | undefined> {
    const l = this.#macRow(mac, subnet);
    return l && { ...l };
  }

  async offer(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.#hold(claim, 'offered', now);
  }

  async bind(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.#hold(claim, 'bound', now);
  }

  async release(ip: string, mac: string, now: number): Promise<boolean> {
    return this.#transition(ip, mac, now, 'released', now);
  }

  async decline(ip: string, mac: string, until: number, now: number): Promise<boolean> {
    return this.#transition(ip, mac, now, 'declined', until);
  }

  async expire(now: number): Promise<Lease[]> {
    const gone: Lease[] = [];
    for (const [ip, l] of this.#byIp) {
      if (l.expiresAt > now) continue;
      if (l.state === 'declined') this.#byIp.delete(ip);
      else if (l.state === 'offered' || l.state === 'bound') {
        gone.push({ ...l });
        l.state = 'expired';
      }
    }
    return gone;
  }

  async list(filter: { subnet?: string } = {}): Promise<Lease[]> {
    return [...this.#byIp.values()]
      .filter((l) => filter.subnet === undefined || l.subnet === filter.subnet)
      .map((l) => ({ ...l }))
      .sort((a, b) => compareIps(a.ip, b.ip));
  }

  /** Check and write with no await in between: that is what makes this store atomic. */
  #hold(claim: LeaseClaim, state: LeaseState, now: number): Lease {
    const cur = this.#byIp.get(claim.ip);
    if (cur && isHeld(cur, now) && (cur.mac !== claim.mac || cur.state === 'declined')) {
      throw conflict(`address ${claim.ip} is held by ${cur.state === 'declined' ? 'a decline' : cur.mac}`, 'ip');
    }
    const previous = this.#macRow(claim.mac, claim.subnet);
    if (previous && previous.ip !== claim.ip) this.#byIp.delete(previous.ip);
    const lease: Lease = { ...claim, state };
    this.#byIp.set(claim.ip, lease);
    return { ...lease };
  }

  #transition(ip: string, mac: string, now: number, state: LeaseState, expiresAt: number): boolean {
    const cur = this.#byIp.get(ip);
    if (!cur || cur.mac !== mac || !isHeld(cur, now) || cur.state === 'declined') return false;
    cur.state = state;
    cur.expiresAt = expiresAt;
    return true;
  }

  #macRow(mac: string, subnet: string): Lease | undefined {
    for (const l of this.#byIp.values()) if (l.mac === mac && l.subnet === subnet && l.state !== 'declined') return l;
    return undefined;
  }
}
