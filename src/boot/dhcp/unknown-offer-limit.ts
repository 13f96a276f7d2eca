// How much of a pool machines we do not know may hold with OFFERs that nobody REQUESTs (a random-MAC flood).
import type { Subnet } from './dhcp-subnets.ts';
import { isHeld, type LeaseStore } from './lease-store.ts';

export interface UnknownOfferLimits {
  /** How long an OFFER to an unknown MAC holds its address; real clients REQUEST within a second or two. */
  holdSeconds: number;
  /** Outstanding OFFERs to unknown MACs per subnet (a relay serves one subnet); absent: a quarter of the pool. */
  maxPerSubnet?: number;
}

/** 10 s: PXE ROMs and iPXE send their REQUEST right after the OFFER (RFC 2131 §4.4.1 leaves the hold to us). */
export const DEFAULT_UNKNOWN_OFFER_LIMITS: UnknownOfferLimits = { holdSeconds: 10 };

export const poolSize = (subnet: Subnet): number => subnet.ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);

/** The cap for one subnet: configured, else a quarter of its pool (at least 1), so three quarters stay for others. */
export function unknownOfferCap(limits: UnknownOfferLimits, subnet: Subnet): number {
  return limits.maxPerSubnet ?? Math.max(1, Math.floor(poolSize(subnet) / 4));
}

/**
 * Whether `mac` may get a new OFFER: it may if it already holds one (a retransmitted DISCOVER), or if fewer than the
 * cap of live OFFERs to unknown MACs exist in the subnet. Indexed queries, whatever the number of leases; with a
 * tally, the count is read from the store at most twice a second.
 */
export async function mayOfferUnknown(store: Pick<LeaseStore, 'getByMac' | 'countUnknownOffers'>, subnet: Subnet, mac: string, cap: number, now: number, tally?: UnknownOfferTally): Promise<boolean> {
  const own = await store.getByMac(mac, subnet.cidr);
  if (own && own.state === 'offered' && !own.node && isHeld(own, now)) return true;
  return (await (tally ? tally.count(store, subnet, now, cap) : store.countUnknownOffers(subnet.cidr, now))) < cap;
}

/**
 * Live OFFERs to unknown MACs per subnet, read from the store at most every `refreshMs` while far below the cap
 * and counted up locally in between; near the cap (half of it and above) every check reads the store, so the cap
 * itself stays exact. The count query walks every live offer (an index range): during a storm of 10,000 unknown
 * clients it cost ~330 µs per DISCOVER, the largest single cost of the DORA (bench/RESULTS.md, session 4). Between
 * reads the tally only grows (offers REQUESTed or expired are subtracted at the next read); other controllers'
 * offers are seen at the next read, at most `refreshMs` later.
 */
export class UnknownOfferTally {
  readonly #by = new Map<string, { n: number; at: number }>();

  constructor(private readonly refreshMs = 500) {}

  async count(store: Pick<LeaseStore, 'countUnknownOffers'>, subnet: Subnet, now: number, cap: number): Promise<number> {
    const c = this.#by.get(subnet.cidr);
    if (c && now >= c.at && now - c.at < this.refreshMs && c.n < cap / 2) return c.n;
    const n = await store.countUnknownOffers(subnet.cidr, now);
    this.#by.set(subnet.cidr, { n, at: now });
    return n;
  }

  /** One more OFFER to an unknown MAC was written in the subnet. */
  offered(subnet: Subnet): void {
    const c = this.#by.get(subnet.cidr);
    if (c) c.n++;
  }
}
