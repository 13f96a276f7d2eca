// In-memory LeaseStore: for tests and for running without a database (leases die with the process).
import { conflict } from '../../domain/errors.ts';
import { ipToInt } from './ipv4.ts';
import { isHeld, type Lease, type LeaseClaim, type LeaseState, type LeaseStore } from './lease-store.ts';

export class MemoryLeaseStore implements LeaseStore {
  readonly #byIp = new Map<string, Lease>();
  /** `${subnet} ${mac}` -> ip of the MAC's non-declined lease (invariant 2 makes it unique). */
  readonly #byMac = new Map<string, string>();

  /** `initial`: rows to start from (what a persistent store would reload). */
  constructor(initial: readonly Lease[] = []) {
    for (const l of initial) this.#put({ ...l });
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

  async withdrawOffer(ip: string, mac: string, now: number): Promise<boolean> {
    return this.#transition(ip, mac, now, 'released', now, ['offered']);
  }

  async decline(ip: string, mac: string, until: number, now: number): Promise<boolean> {
    return this.#transition(ip, mac, now, 'declined', until);
  }

  async expire(now: number): Promise<Lease[]> {
    const gone: Lease[] = [];
    for (const [ip, l] of this.#byIp) {
      if (l.expiresAt > now) continue;
      if (l.state === 'declined') this.#byIp.delete(ip); // declined rows are not in #byMac
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
      .map((l) => [ipToInt(l.ip), l] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, l]) => ({ ...l }));
  }

  async oldestFree(subnet: string, now: number, limit: number): Promise<Lease[]> {
    return [...this.#byIp.values()]
      .filter((l) => l.subnet === subnet && !isHeld(l, now))
      .sort((a, b) => a.expiresAt - b.expiresAt || ipToInt(a.ip) - ipToInt(b.ip))
      .slice(0, limit)
      .map((l) => ({ ...l }));
  }

  async countUnknownOffers(subnet: string, now: number): Promise<number> {
    let n = 0;
    for (const l of this.#byIp.values()) if (l.subnet === subnet && l.state === 'offered' && !l.node && l.expiresAt > now) n++;
    return n;
  }

  /** Check and write with no await in between: that is what makes this store atomic. */
  #hold(claim: LeaseClaim, state: LeaseState, now: number): Lease {
    const cur = this.#byIp.get(claim.ip);
    if (cur && isHeld(cur, now) && (cur.mac !== claim.mac || cur.state === 'declined')) {
      throw conflict(`address ${claim.ip} is held by ${cur.state === 'declined' ? 'a decline' : cur.mac}`, 'ip');
    }
    const previous = this.#macRow(claim.mac, claim.subnet);
    if (previous && previous.ip !== claim.ip) this.#byIp.delete(previous.ip);
    if (cur && cur.mac !== claim.mac && cur.state !== 'declined') this.#byMac.delete(macKey(cur));
    const lease: Lease = { ...claim, state };
    this.#put(lease);
    return { ...lease };
  }

  /** Changes `mac`'s live lease of `ip` when its state is one of `from`, as the SQL store's conditional UPDATE. */
  #transition(ip: string, mac: string, now: number, state: LeaseState, expiresAt: number, from: LeaseState[] = ['offered', 'bound']): boolean {
    const cur = this.#byIp.get(ip);
    if (!cur || cur.mac !== mac || !from.includes(cur.state) || cur.expiresAt <= now) return false;
    cur.state = state;
    cur.expiresAt = expiresAt;
    if (state === 'declined') this.#byMac.delete(macKey(cur));
    return true;
  }

  #macRow(mac: string, subnet: string): Lease | undefined {
    const ip = this.#byMac.get(macKey({ mac, subnet }));
    return ip === undefined ? undefined : this.#byIp.get(ip);
  }

  #put(lease: Lease): void {
    this.#byIp.set(lease.ip, lease);
    if (lease.state !== 'declined') this.#byMac.set(macKey(lease), lease.ip);
  }
}

const macKey = (l: Pick<Lease, 'mac' | 'subnet'>): string => `${l.subnet} ${l.mac}`;
