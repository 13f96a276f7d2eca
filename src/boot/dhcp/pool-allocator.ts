// Picks and holds a pool address for an unknown machine: sticky per MAC, never a reserved address, retry on races.
// Every step is an indexed lookup, never a read of the whole subnet: a DISCOVER costs the same with 10 or 60,000
// leases (a scan per DISCOVER held stage0 to ~100 DORA/s with 10,000 leases). The pick runs under the subnet's lock;
// the write of the OFFER does not (it waits for the store's group commit), so a storm's DISCOVERs share commits.
import { isConflict } from '../../domain/errors.ts';
import { intToIp, ipToInt } from './ipv4.ts';
import { isHeld, type Lease, type LeaseClaim, type LeaseStore } from './lease-store.ts';
import { inPool, type Subnet } from './dhcp-subnets.ts';

export interface AllocateRequest {
  claim: Omit<LeaseClaim, 'ip' | 'subnet'>;
  /** Option 50, honoured when free (RFC 2131 §4.3.1). */
  requestedIp: string | undefined;
  /** Addresses that belong to inventory nodes: never handed out from the pool. */
  reserved: ReadonlySet<string>;
  now: number;
}

/** How many times a lost race (conflict from the store) is retried with another address. */
const MAX_ATTEMPTS = 6;
/** Never-used addresses probed per DISCOVER before reusing a freed one (the full pool is probed before giving up). */
const PROBES = 64;
/** Freed addresses fetched at once, oldest first. */
const REUSE_BATCH = 16;

/**
 * Where each subnet's search for a never-used address resumes (Kea's iterative allocator has the same idea). Memory
 * only, one per controller, and only a guess: the store decides (offer() refuses an address held by anyone else), so
 * several controllers on one database stay correct. Used under the subnet's allocation lock.
 */
export class PoolCursors {
  readonly #at = new Map<string, number>();
  /** Addresses picked and being written (ip → mac), so the next pick, made before that write lands, skips them. */
  readonly #writing = new Map<string, { mac: string; subnet: string; unknown: boolean }>();
  readonly #writingOf = new Map<string, string>(); // `${subnet} ${mac}` → ip

  /** The address being written for `mac`, when one is. */
  writingFor(subnet: Subnet, mac: string): string | undefined {
    return this.#writingOf.get(`${subnet.cidr} ${mac}`);
  }

  /** Whether `ip` is being written for another MAC. */
  writingForOther(ip: string, mac: string): boolean {
    const w = this.#writing.get(ip);
    return w !== undefined && w.mac !== mac;
  }

  /** OFFERs to unknown MACs picked in the subnet and not yet in the store (the cap counts them too). */
  unknownWriting(subnet: Subnet): number {
    let n = 0;
    for (const w of this.#writing.values()) if (w.unknown && w.subnet === subnet.cidr) n++;
    return n;
  }

  /** Marks `ip` as being written for `mac`; returns the function that clears the mark once the write settled. */
  writing(subnet: Subnet, ip: string, mac: string, unknown: boolean): () => void {
    const key = `${subnet.cidr} ${mac}`;
    this.#writing.set(ip, { mac, subnet: subnet.cidr, unknown });
    this.#writingOf.set(key, ip);
    return () => {
      if (this.#writing.get(ip)?.mac === mac) this.#writing.delete(ip);
      if (this.#writingOf.get(key) === ip) this.#writingOf.delete(key);
    };
  }

  /** The subnet's cursor; the first time, just past the highest address the store knows (one read of the subnet). */
  async at(store: LeaseStore, subnet: Subnet): Promise<number> {
    const known = this.#at.get(subnet.cidr);
    if (known !== undefined) return known;
    let highest: number | undefined;
    for (const l of await store.list({ subnet: subnet.cidr })) {
      const n = ipToInt(l.ip);
      if (inPoolInt(subnet, n) && (highest === undefined || n > highest)) highest = n;
    }
    const start = highest === undefined ? subnet.ranges[0]![0] : nextInPool(subnet, highest);
    this.#at.set(subnet.cidr, start);
    return start;
  }

  set(subnet: Subnet, n: number): void {
    this.#at.set(subnet.cidr, n);
  }
}

/** Runs a section under the subnet's allocation lock (see KeyedMutex); the default runs it as is (tests). */
export type SubnetLock = <T>(fn: () => Promise<T>) => Promise<T>;

export interface AllocateOptions {
  lock?: SubnetLock;
  /** Checked under the lock before the first pick; false: no OFFER ('refused'). The unknown-MAC cap lives here. */
  admit?: () => Promise<boolean>;
  /** Whether the MAC is unknown to the inventory (counted against the cap while its OFFER is being written). */
  unknown?: boolean;
}

/**
 * RFC 2131 §4.3.1 order: the client's current or previous address, then the requested one, then a never-used
 * address, then the one freed longest ago. Resolves undefined when the pool is exhausted, 'refused' when `admit`
 * said no. Only the pick holds the lock: the OFFER's write waits outside it, marked in `cursors` meanwhile.
 */
export async function allocateFromPool(store: LeaseStore, subnet: Subnet, req: AllocateRequest, cursors: PoolCursors = new PoolCursors(), opts: AllocateOptions = {}): Promise<Lease | undefined | 'refused'> {
  const lock = opts.lock ?? ((fn) => fn());
  const tried = new Set<string>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const picked = await lock(async () => {
      if (attempt === 0 && opts.admit && !(await opts.admit())) return 'refused' as const;
      const ip = await pickCandidate(store, subnet, req, tried, cursors);
      return ip === undefined ? undefined : { ip, done: cursors.writing(subnet, ip, req.claim.mac, opts.unknown ?? false) };
    });
    if (picked === undefined || picked === 'refused') return picked;
    tried.add(picked.ip);
    try {
      return await store.offer(Object.assign({}, req.claim, { ip: picked.ip, subnet: subnet.cidr }), req.now);
    } catch (e) {
      if (!isConflict(e)) throw e;
    } finally {
      picked.done();
    }
  }
  return undefined;
}

async function pickCandidate(store: LeaseStore, subnet: Subnet, req: AllocateRequest, tried: ReadonlySet<string>, cursors: PoolCursors): Promise<string | undefined> {
  const { mac } = req.claim;
  const usable = (ip: string | undefined): ip is string =>
    ip !== undefined && !tried.has(ip) && inPool(subnet, ip) && !req.reserved.has(ip) && !cursors.writingForOther(ip, mac);
  const freeFor = (l: Lease | undefined) => !l || !isHeld(l, req.now) || (l.mac === mac && l.state !== 'declined');
  // A retransmitted DISCOVER while this MAC's OFFER is still being written: the same address again.
  const writing = cursors.writingFor(subnet, mac);
  if (usable(writing)) return writing;
  // The MAC's own row (never a declined one) is the row of its address: it is this client's to take again.
  const own = await store.getByMac(mac, subnet.cidr);
  if (usable(own?.ip)) return own.ip;
  if (usable(req.requestedIp) && freeFor(await store.getByIp(req.requestedIp))) return req.requestedIp;
  const fresh = await neverUsed(store, subnet, usable, cursors, PROBES);
  if (fresh !== undefined) return fresh;
  for (const l of await store.oldestFree(subnet.cidr, req.now, REUSE_BATCH)) if (usable(l.ip)) return l.ip;
  // Nothing freed to reuse: make sure of exhaustion by probing the whole pool before saying so.
  return neverUsed(store, subnet, usable, cursors, poolSizeOf(subnet));
}

/** Probes up to `budget` pool addresses from the subnet's cursor for one with no lease row at all. */
async function neverUsed(store: LeaseStore, subnet: Subnet, usable: (ip: string) => boolean, cursors: PoolCursors, budget: number): Promise<string | undefined> {
  let n = await cursors.at(store, subnet);
  for (let i = 0; i < Math.min(budget, poolSizeOf(subnet)); i++) {
    const ip = intToIp(n);
    n = nextInPool(subnet, n);
    if (!usable(ip)) continue;
    if ((await store.getByIp(ip)) === undefined) {
      cursors.set(subnet, n);
      return ip;
    }
  }
  cursors.set(subnet, n);
  return undefined;
}

const poolSizeOf = (s: Subnet): number => s.ranges.reduce((k, [a, b]) => k + (b - a + 1), 0);
const inPoolInt = (s: Subnet, n: number): boolean => s.ranges.some(([a, b]) => n >= a && n <= b);

/** The pool address after n: the next in its range, else the start of the next range (in configured order), wrapping. */
function nextInPool(s: Subnet, n: number): number {
  const i = s.ranges.findIndex(([a, b]) => n >= a && n <= b);
  if (i >= 0 && n < s.ranges[i]![1]) return n + 1;
  return s.ranges[(i + 1) % s.ranges.length]![0];
}
