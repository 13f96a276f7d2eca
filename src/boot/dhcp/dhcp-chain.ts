// The handler chains, listed explicitly per mode: the one place that says which handlers run and in what order.
import type { BootFileChooser } from './boot-file-chooser.ts';
import type { DhcpCounters } from './dhcp-counters.ts';
import type { DhcpMode } from './dhcp-config.ts';
import type { DhcpHandler } from './dhcp-handler.ts';
import type { SubnetTable } from './dhcp-subnets.ts';
import type { EventSink } from '../../domain/events/event-sink.ts';
import type { LeaseStore } from './lease-store.ts';
import type { KeyedTokenBucket } from './token-bucket.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import type { UnknownOfferLimits } from './unknown-offer-limit.ts';
import { bootHandler } from './handlers/boot-handler.ts';
import { informHandler } from './handlers/inform-handler.ts';
import { leaseReplyHandler } from './handlers/lease-reply-handler.ts';
import { poolHandler } from './handlers/pool-handler.ts';
import { proxyHandler } from './handlers/proxy-handler.ts';
import { rateLimitHandler } from './handlers/rate-limit-handler.ts';
import { relayHandler } from './handlers/relay-handler.ts';
import { releaseDeclineHandler } from './handlers/release-decline-handler.ts';
import { reservationHandler, type ReservationLookup } from './handlers/reservation-handler.ts';
import { reservedLeaseHandler } from './handlers/reserved-lease-handler.ts';
import { sanityHandler } from './handlers/sanity-handler.ts';
import { subnetHandler } from './handlers/subnet-handler.ts';

export interface ChainDeps {
  leases: LeaseStore;
  reservations: ReservationLookup;
  chooser: BootFileChooser;
  events: EventSink;
  counters: DhcpCounters;
  subnets: SubnetTable;
  perMacBucket: KeyedTokenBucket;
  sharedBucket: KeyedTokenBucket;
  offerSeconds: number;
  declineSeconds: number;
  /** OFFERs to unknown MACs: hold time and cap per subnet (default: 10 s, a quarter of the pool). */
  unknownOffers?: UnknownOfferLimits;
}

export function buildChain(mode: Exclude<DhcpMode, 'off'>, d: ChainDeps): DhcpHandler[] {
  const timing = { offerSeconds: d.offerSeconds };
  if (mode === 'proxy') {
    return [
      sanityHandler('proxy'),
      relayHandler(),
      reservationHandler(d.reservations), // node name for the boot choice and events; no addresses
      rateLimitHandler(d.perMacBucket, d.sharedBucket, d.counters),
      proxyHandler(),
      bootHandler(d.chooser, 'proxy'),
    ];
  }
  return [
    sanityHandler('authoritative'),
    relayHandler(),
    reservationHandler(d.reservations),
    rateLimitHandler(d.perMacBucket, d.sharedBucket, d.counters),
    subnetHandler(d.subnets),
    releaseDeclineHandler(d.leases, d.events, d.declineSeconds),
    informHandler(),
    reservedLeaseHandler(d.leases, timing),
    poolHandler(d.leases, d.reservations, timing, d.counters, new KeyedMutex(), d.unknownOffers),
    leaseReplyHandler(),
    bootHandler(d.chooser, 'authoritative'),
  ];
}
