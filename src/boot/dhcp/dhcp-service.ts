// The DHCPv4 service: bytes in -> handler chain -> bytes out with a destination. No sockets (see src/net/dhcp-listener.ts).
import { decodeDhcp, DhcpDecodeError, DhcpEncodeError, encodeDhcp, replyLimits, type DhcpPacket } from '../../codec/dhcp/index.ts';
import type { EventSink } from '../../domain/events/event-sink.ts';
import { DefaultBootFileChooser, type BootFileChooser } from './boot-file-chooser.ts';
import { buildChain } from './dhcp-chain.ts';
import {
  DEFAULT_DECLINE_SECONDS, DEFAULT_OFFER_SECONDS, DEFAULT_PORTS, DEFAULT_RATE_LIMIT, type DhcpPorts, type DhcpServiceConfig,
} from './dhcp-config.ts';
import { DhcpCounters } from './dhcp-counters.ts';
import { expireEvent, replyEvent } from './dhcp-events.ts';
import { isStop, type DhcpContext, type DhcpHandler, type DhcpRequest, type Stop } from './dhcp-handler.ts';
import { SubnetTable } from './dhcp-subnets.ts';
import type { ReservationLookup } from './handlers/reservation-handler.ts';
import type { LeaseStore } from './lease-store.ts';
import { replyDestination } from './reply-destination.ts';
import { replySkeleton } from './reply-skeleton.ts';
import { archOf, clientIdOf, ethernetMacOf, isIpxeRequest, userClassOf } from './request-facts.ts';
import { KeyedTokenBucket } from './token-bucket.ts';
import { DEFAULT_UNKNOWN_OFFER_LIMITS } from './unknown-offer-limit.ts';

export interface DhcpServiceDeps {
  config: DhcpServiceConfig;
  leases: LeaseStore;
  reservations: ReservationLookup;
  events: EventSink;
  /** Default: DefaultBootFileChooser(config.boot), the lab's decision. */
  chooser?: BootFileChooser;
  /** Epoch ms; tests move time. */
  clock?: () => number;
  /** pino-compatible; errors from stores and choosers are logged here. */
  log?: { warn(obj: object, msg: string): void };
}

/** Where a request came from, as the listener saw it. */
export interface DhcpIncoming {
  interface: string;
  /** 'proxy' when it arrived on the PXE port 4011. */
  via: 'dhcp' | 'proxy';
  source: { address: string; port: number };
}

export interface DhcpOutgoing {
  packet: DhcpPacket;
  bytes: Buffer;
  address: string;
  port: number;
  /** Sent to 255.255.255.255 out of the request's interface. */
  broadcast: boolean;
}

export class DhcpService {
  readonly counters = new DhcpCounters();
  readonly ports: DhcpPorts;
  readonly config: DhcpServiceConfig;
  readonly #chain: readonly DhcpHandler[];
  readonly #subnets: SubnetTable;
  readonly #deps: DhcpServiceDeps;
  readonly #clock: () => number;

  /** Validates the config (throws DomainError 'invalid' naming the field) and builds the chain for its mode. */
  constructor(deps: DhcpServiceDeps) {
    const { config } = deps;
    this.config = config;
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
    this.ports = { ...DEFAULT_PORTS, ...config.ports };
    this.#subnets = new SubnetTable(config);
    const rate = { ...DEFAULT_RATE_LIMIT, ...config.rateLimit };
    this.#chain =
      config.mode === 'off'
        ? []
        : buildChain(config.mode, {
            leases: deps.leases,
            reservations: deps.reservations,
            chooser: deps.chooser ?? new DefaultBootFileChooser(config.boot),
            events: deps.events,
            counters: this.counters,
            subnets: this.#subnets,
            perMacBucket: new KeyedTokenBucket(rate),
            // All unknown MACs together, so a random-MAC flood stays bounded.
            sharedBucket: new KeyedTokenBucket({ burst: rate.totalBurst, perSecond: rate.totalPerSecond, maxTracked: 1 }),
            offerSeconds: config.offerSeconds ?? DEFAULT_OFFER_SECONDS,
            declineSeconds: config.declineSeconds ?? DEFAULT_DECLINE_SECONDS,
            unknownOffers: { ...DEFAULT_UNKNOWN_OFFER_LIMITS, ...config.unknownOffers },
          });
  }

  /** Names of the handlers in order, for logs and tests. */
  get chain(): string[] {
    return this.#chain.map((h) => h.name);
  }

  /** One datagram in; the reply to send, or undefined (every undefined is counted with a reason). */
  async handle(bytes: Uint8Array, from: DhcpIncoming): Promise<DhcpOutgoing | undefined> {
    this.counters.inc('received');
    if (this.#chain.length === 0) return this.#dropped('mode-off');
    const serverAddress = this.#subnets.serverAddress(from.interface);
    if (serverAddress === undefined) return this.#dropped('unknown-interface');
    let packet: DhcpPacket;
    try {
      packet = decodeDhcp(bytes);
    } catch (e) {
      this.counters.inc(`malformed.${e instanceof DhcpDecodeError ? e.reason.split(':')[0] : 'unexpected'}`);
      return undefined;
    }
    if (packet.op !== 1) return this.#dropped('not-a-request');
    const mac = ethernetMacOf(packet);
    if (mac === undefined) return this.#dropped('not-ethernet');
    const req: DhcpRequest = {
      packet,
      type: packet.options.messageType!, // decodeDhcp rejects packets without option 53
      mac,
      clientId: clientIdOf(packet),
      arch: archOf(packet),
      userClass: userClassOf(packet),
      vendorClass: packet.options.vendorClass,
      isIpxe: isIpxeRequest(packet),
      interface: from.interface,
      serverAddress,
      relay: packet.giaddr === '0.0.0.0' ? undefined : packet.giaddr,
      via: from.via,
      source: from.source,
    };
    const ctx: DhcpContext = { now: this.#clock() };
    let result: DhcpPacket | Stop = replySkeleton(packet, serverAddress);
    try {
      for (const h of this.#chain) {
        result = await h.handle(req, result, ctx);
        if (isStop(result)) break;
      }
    } catch (e) {
      // A failing store or chooser: no reply rather than an ACK that was not committed.
      this.#deps.log?.warn({ err: e, mac, type: req.type }, 'DHCP handler failed');
      return this.#dropped('handler-error');
    }
    if (isStop(result)) {
      if (result.stop === 'drop') return this.#dropped(result.reason);
      if (result.stop === 'done') {
        this.counters.inc(`handled.${result.what}`);
        return undefined;
      }
      result = result.res;
    }
    const type = result.options.messageType;
    if (type !== 'OFFER' && type !== 'ACK' && type !== 'NAK') return this.#dropped('unanswered');
    const dest = replyDestination(req, result, this.ports);
    let bytesOut: Buffer;
    try {
      bytesOut = encodeDhcp(result, replyLimits(packet));
    } catch (e) {
      // e.g. boot URL + options beyond the client's option 57 even with overload: log, count, no reply.
      this.#deps.log?.warn({ err: e, mac, type }, 'DHCP reply cannot be encoded');
      return this.#dropped(`encode-${e instanceof DhcpEncodeError ? e.reason : 'error'}`);
    }
    this.counters.inc(`replied.${type}`);
    this.#deps.events.emit(replyEvent(req, result, ctx, this.config.mode === 'proxy'));
    return { packet: result, bytes: bytesOut, ...dest };
  }

  /**
   * Marks leases past their time as expired and reports them (dhcp.expire). Leases live only in the
   * store, so after a restart this is all there is to reload: run it at start and periodically.
   */
  async expireLeases(): Promise<number> {
    const gone = await this.#deps.leases.expire(this.#clock());
    for (const l of gone) this.#deps.events.emit(expireEvent(l));
    return gone.length;
  }

  #dropped(reason: string): undefined {
    this.counters.inc(`dropped.${reason}`);
    return undefined;
  }
}
