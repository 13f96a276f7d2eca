// Picks and holds a pool address for an unknown machine: sticky per MAC, never a reserved address, retry on races.
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

/**
 * RFC 2131 §4.3.1 order: the client's current or previous address, then the requested one, then a
 * never-used address, then the one freed longest ago. Resolves undefined when the pool is exhausted.
 */
export async function allocateFromPool(store: LeaseStore, subnet: Subnet, req: AllocateRequest): Promise<Lease | undefined> {
  const tried = new Set<string>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const ip = await pickCandidate(store, subnet, req, tried);
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

async function pickCandidate(store: LeaseStore, subnet: Subnet, req: AllocateRequest, tried: ReadonlySet<string>): Promise<string | undefined> {
  const { mac } = req.claim;
  const usable = (ip: string | undefined): ip is string => ip !== undefined && !tried.has(ip) && inPool(subnet, ip) && !req.reserved.has(ip);
  const list = await store.list({ subnet: subnet.cidr });
  const rows = new Map(list.map((l) => [l.ip, l]));
  const rowInts = new Set(list.map((l) => ipToInt(l.ip)));
  const reservedInts = new Set([...req.reserved].map((ip) => ipToInt(ip)));
  const triedInts = new Set([...tried].map((ip) => ipToInt(ip)));
  const freeFor = (ip: string) => {
    const l = rows.get(ip);
    return !l || !isHeld(l, req.now) || (l.mac === mac && l.state !== 'declined');
  };
  const own = await store.getByMac(mac, subnet.cidr);
  if (usable(own?.ip) && freeFor(own.ip)) return own.ip;
  if (usable(req.requestedIp) && freeFor(req.requestedIp)) return req.requestedIp;
  // Integers, not strings, in the scan: it runs over the whole pool for every DISCOVER.
  for (const [a, b] of subnet.ranges) {
    for (let n = a; n <= b; n++) if (!rowInts.has(n) && !reservedInts.has(n) && !triedInts.has(n)) return intToIp(n);
  }
  let oldest: Lease | undefined;
  for (const l of list) {
    if (usable(l.ip) && !isHeld(l, req.now) && (!oldest || l.expiresAt < oldest.expiresAt)) oldest = l;
  }
  return oldest?.ip;
}
