// Picks and holds a pool address for an unknown machine: sticky per MAC, never a reserved address, retry on races.
// Every step is an indexed lookup, never a read of the whole subnet: a DISCOVER costs the same with 10 or 60,000
// leases (a scan per DISCOVER held stage0 to ~100 DORA/s with 10,000 leases).
import { DomainError } from '../../domain/errors.ts';
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

/**
 * RFC 2131 §4.3.1 order: the client's current or previous address, then the requested one, then a never-used
 * address, then the one freed longest ago. Resolves undefined when the pool is exhausted.
 */
export async function allocateFromPool(store: LeaseStore, subnet: Subnet, req: AllocateRequest, cursors: PoolCursors = new PoolCursors()): Promise<Lease | undefined> {
  const tried = new Set<string>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const ip = await pickCandidate(store, subnet, req, tried, cursors);
    if (ip === undefined) return undefined;
    tried.add(ip);
    try {
      return await store.offer({ ...req.claim, ip, subnet: subnet.cidr }, req.now);
    } catch (e) {
      if (!(e instanceof DomainError && e.kind === 'conflict')) throw e;
    }
  }
  return undefined;
}

async function pickCandidate(store: LeaseStore, subnet: Subnet, req: AllocateRequest, tried: ReadonlySet<string>, cursors: PoolCursors): Promise<string | undefined> {
  const { mac } = req.claim;
  const usable = (ip: string | undefined): ip is string => ip !== undefined && !tried.has(ip) && inPool(subnet, ip) && !req.reserved.has(ip);
  const freeFor = (l: Lease | undefined) => !l || !isHeld(l, req.now) || (l.mac === mac && l.state !== 'declined');
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
