// LeaseStore: where DHCP leases live. The pool handler owns this interface; SQL backends implement it too.

/**
 * - offered: held for a client between OFFER and REQUEST.
 * - bound: ACKed.
 * - released / expired: free again, but remembered so the same MAC gets the same address back.
 * - declined: a client said the address is in use (RFC 2131 §4.3.3); nobody gets it until expiresAt.
 */
export type LeaseState = 'offered' | 'bound' | 'released' | 'expired' | 'declined';

export interface Lease {
  ip: string;
  /** Lower-case, colon-separated. */
  mac: string;
  /** Option 61 as lower-case hex, when the client sent one. */
  clientId?: string;
  /** The subnet's CIDR, e.g. "10.99.0.0/24". */
  subnet: string;
  state: LeaseState;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Inventory node name, when the MAC is known. */
  node?: string;
  hostname?: string;
}

/** What a caller asks to hold: the store sets state. */
export type LeaseClaim = Omit<Lease, 'state'>;

/**
 * Invariants every implementation keeps (see lease-store-contract.ts):
 * 1. No address is ever held by two MACs: `offer`/`bind` on an address *held* by another MAC
 *    (offered/bound and not expired, or declined and not expired) throw DomainError('conflict'),
 *    atomically with respect to concurrent calls.
 * 2. A MAC has at most one non-declined lease per subnet: offering or binding a new address to a
 *    MAC drops its previous non-declined lease in that subnet in the same step.
 * 3. Every method resolves only once its change is durable: the service ACKs after `bind` resolves.
 */
export interface LeaseStore {
  /** The lease row of an address, whatever its state. */
  getByIp(ip: string): Promise<Lease | undefined>;
  /** The MAC's non-declined lease in a subnet (any other state), for sticky addresses. */
  getByMac(mac: string, subnet: string): Promise<Lease | undefined>;
  /** Holds `claim.ip` for `claim.mac` as 'offered'. */
  offer(claim: LeaseClaim, now: number): Promise<Lease>;
  /** Holds `claim.ip` for `claim.mac` as 'bound' (after REQUEST; also INIT-REBOOT without an offer). */
  bind(claim: LeaseClaim, now: number): Promise<Lease>;
  /** Frees the address if `mac` holds it; false when it does not. */
  release(ip: string, mac: string, now: number): Promise<boolean>;
  /**
   * Frees the address only while `mac` holds it as an OFFER (a client took another server's offer). Never touches a
   * bound lease: with several controllers on one store, another controller may have bound it a moment ago.
   */
  withdrawOffer(ip: string, mac: string, now: number): Promise<boolean>;
  /** Marks the address bad until `until` if `mac` holds it; false when it does not. */
  decline(ip: string, mac: string, until: number, now: number): Promise<boolean>;
  /** Turns offered/bound leases past expiresAt into 'expired'; deletes declined rows past their hold. Returns what expired. */
  expire(now: number): Promise<Lease[]>;
  /** All rows, optionally of one subnet, ordered by address. */
  list(filter?: { subnet?: string }): Promise<Lease[]>;
  /** Up to `limit` rows of the subnet that hold nothing at `now` (see isHeld), freed longest ago first: reuse order. */
  oldestFree(subnet: string, now: number, limit: number): Promise<Lease[]>;
  /** Live OFFERs (offered, not expired) in the subnet to MACs that are not inventory nodes. */
  countUnknownOffers(subnet: string, now: number): Promise<number>;
  /** Resolves once every change begun so far is durable or failed (shutdown: before the database closes). */
  settled?(): Promise<void>;
}

/** True when the row keeps the address from anyone but `lease.mac` (declined: from everyone). */
export function isHeld(lease: Lease, now: number): boolean {
  return (lease.state === 'offered' || lease.state === 'bound' || lease.state === 'declined') && lease.expiresAt > now;
}
