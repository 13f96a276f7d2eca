// Looks the MAC up in the inventory: known nodes get their name, reserved address and hostname on the context.
import type { DhcpHandler } from '../dhcp-handler.ts';

/** Implemented over the inventory by the wiring; owned here (the DHCP service is its only user). */
export interface ReservationLookup {
  /** The node owning this lower-case colon MAC; `ip` is its reserved address when it has one. */
  byMac(mac: string): Promise<{ node: string; ip?: string; hostname?: string } | undefined>;
  /** Every address reserved for a node: the pool never hands these out. */
  reservedIps(): Promise<ReadonlySet<string>>;
}

export function reservationHandler(lookup: ReservationLookup): DhcpHandler {
  return {
    name: 'reservation',
    async handle(req, res, ctx) {
      const r = await lookup.byMac(req.mac);
      if (r) {
        ctx.node = r.node;
        ctx.reservedIp = r.ip;
        ctx.hostname = r.hostname;
      }
      return res;
    },
  };
}
