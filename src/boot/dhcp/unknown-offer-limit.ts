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
 * cap of live OFFERs to unknown MACs exist in the subnet. Two indexed queries, whatever the number of leases.
 */
export async function mayOfferUnknown(store: Pick<LeaseStore, 'getByMac' | 'countUnknownOffers'>, subnet: Subnet, mac: string, cap: number, now: number): Promise<boolean> {
  const own = await store.getByMac(mac, subnet.cidr);
  if (own && own.state === 'offered' && !own.node && isHeld(own, now)) return true;
  return (await store.countUnknownOffers(subnet.cidr, now)) < cap;
}
