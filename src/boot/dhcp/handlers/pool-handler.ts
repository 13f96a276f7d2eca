// Addresses for machines without a reservation: from the subnet's pool ranges, sticky per MAC (RFC 2131 §4.3.1-§4.3.2).
import { isConflict } from '../../../domain/errors.ts';
import type { DhcpCounters } from '../dhcp-counters.ts';
import { done, drop, type DhcpHandler, type Stop } from '../dhcp-handler.ts';
import { inPool } from '../dhcp-subnets.ts';
import { cidrContains } from '../ipv4.ts';
import type { KeyedMutex } from '../../../lib/keyed-mutex.ts';
import type { LeaseStore } from '../lease-store.ts';
import { allocateFromPool, PoolCursors } from '../pool-allocator.ts';
import { nak } from '../reply-skeleton.ts';
import type { LeaseTiming } from './reserved-lease-handler.ts';
import type { ReservationLookup } from './reservation-handler.ts';
import { requestTarget } from './request-target.ts';
import { DEFAULT_UNKNOWN_OFFER_LIMITS, mayOfferUnknown, UnknownOfferTally, unknownOfferCap, type UnknownOfferLimits } from '../unknown-offer-limit.ts';

export function poolHandler(
  store: LeaseStore, reservations: ReservationLookup, timing: LeaseTiming, counters: DhcpCounters, allocations: KeyedMutex,
  unknown: UnknownOfferLimits = DEFAULT_UNKNOWN_OFFER_LIMITS,
): DhcpHandler {
  const cursors = new PoolCursors();
  const tally = new UnknownOfferTally();
  return {
    name: 'pool',
    async handle(req, res, ctx) {
      const subnet = ctx.subnet;
      if (ctx.lease || !subnet || (req.type !== 'DISCOVER' && req.type !== 'REQUEST')) return res;
      const base = { mac: req.mac, clientId: req.clientId, node: ctx.node, hostname: ctx.hostname };
      if (req.type === 'DISCOVER') {
        const reserved = await reservations.reservedIps();
        // Unknown MACs: a short hold, and a cap on their live OFFERs per subnet, checked under the subnet's lock so a
        // random-MAC flood that never REQUESTs cannot hold the pool (known nodes are not capped).
        const isUnknown = ctx.node === undefined;
        const holdSeconds = isUnknown ? Math.min(timing.offerSeconds, unknown.holdSeconds) : timing.offerSeconds;
        const lease = await allocateFromPool(store, subnet, {
          claim: Object.assign({}, base, { expiresAt: ctx.now + holdSeconds * 1000 }),
          requestedIp: req.packet.options.requestedIp,
          reserved,
          now: ctx.now,
        }, cursors, {
          lock: (fn) => allocations.run(subnet.cidr, fn),
          unknown: isUnknown,
          ...(isUnknown && { admit: () => mayOfferUnknown(store, subnet, req.mac, unknownOfferCap(unknown, subnet) - cursors.unknownWriting(subnet), ctx.now, tally) }),
        });
        if (isUnknown && lease && lease !== 'refused') tally.offered(subnet);
        if (lease === 'refused') {
          counters.inc('unknown-offers-capped');
          return drop('unknown-offers-capped');
        }
        if (!lease) {
          counters.inc('pool-exhausted');
          return drop('pool-exhausted');
        }
        ctx.lease = lease;
        return res;
      }
      const t = requestTarget(req);
      if (t.otherServer) {
        // §4.3.2: the client took another server's offer; free ours now instead of at offer expiry. With controllers
        // sharing one store the MAC's row may be the other server's offer of the very address the client asks for
        // (left alone), and it may turn bound between this read and the write (withdrawOffer never frees a binding).
        const mine = await store.getByMac(req.mac, subnet.cidr);
        if (mine?.state === 'offered' && mine.ip !== t.ip) await store.withdrawOffer(mine.ip, req.mac, ctx.now);
        return done('chose-other-server');
      }
      if (t.ip === undefined) return drop('request-without-address');
      const refuse = (why: string, message: string): Stop => {
        ctx.nakReason = why;
        return { stop: 'send', res: nak(res, message) };
      };
      // §4.3.2 INIT-REBOOT/RENEWING: an address that is wrong for this network gets a NAK.
      if (!cidrContains(subnet.net, t.ip)) return refuse(`${t.ip} is not in ${subnet.cidr}`, 'wrong network');
      if (!inPool(subnet, t.ip) || (await reservations.reservedIps()).has(t.ip)) return refuse(`${t.ip} is not a pool address`, 'address not available');
      if (t.selecting) {
        const offered = await store.getByIp(t.ip);
        if (offered?.mac !== req.mac) return refuse(`${t.ip} was not offered to ${req.mac}`, 'address not offered');
      }
      try {
        // ACK only once the store has committed the binding.
        ctx.lease = await store.bind(Object.assign({}, base, { ip: t.ip, subnet: subnet.cidr, expiresAt: ctx.now + subnet.leaseSeconds * 1000 }), ctx.now);
        return res;
      } catch (e) {
        if (!isConflict(e)) throw e;
        return refuse(`${t.ip} is held by another client`, 'address in use');
      }
    },
  };
}
