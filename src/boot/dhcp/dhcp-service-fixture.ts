// Shared setup for the DHCP service tests: two interfaces, a relayed subnet, a small inventory, a movable clock.
import { decodeDhcp, type DhcpPacket } from '../../codec/dhcp/dhcp-packet.ts';
import { MemoryEventSink } from '../../domain/events/event-sink.ts';
import type { DhcpServiceConfig } from './dhcp-config.ts';
import { clientBytes, type ClientRequest } from './dhcp-request-builder.ts';
import { DhcpService, type DhcpIncoming, type DhcpOutgoing } from './dhcp-service.ts';
import type { ReservationLookup } from './handlers/reservation-handler.ts';
import type { LeaseStore } from './lease-store.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';

export const KNOWN = {
  n1: { mac: '52:54:00:00:00:01', ip: '10.98.1.50' },
  /** Reserved inside the pool range: the pool must skip it. */
  n2: { mac: '52:54:00:00:00:02', ip: '10.98.1.105' },
  /** Known, but no reserved address: gets a pool address without rate limiting. */
  n3: { mac: '52:54:00:00:00:03' },
} as const;

export function testConfig(over: Partial<DhcpServiceConfig> = {}): DhcpServiceConfig {
  return {
    mode: 'authoritative',
    interfaces: [
      { name: 'eth-a', serverAddress: '10.98.1.1' },
      { name: 'eth-b', serverAddress: '10.98.2.1' },
    ],
    subnets: [
      { cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.100', end: '10.98.1.109' }], router: '10.98.1.1', dns: ['10.98.1.1'], domain: 'lab', interface: 'eth-a' },
      { cidr: '10.98.2.0/24', pools: [{ start: '10.98.2.100', end: '10.98.2.102' }], leaseSeconds: 600 },
      { cidr: '10.98.3.0/24', pools: [{ start: '10.98.3.100', end: '10.98.3.110' }] },
    ],
    boot: { tftpServer: '10.98.1.1', httpBase: 'http://10.98.1.1:8080' },
    ...over,
  };
}

export class FakeInventory implements ReservationLookup {
  readonly #byMac = new Map<string, { node: string; ip?: string }>(
    Object.entries(KNOWN).map(([node, k]) => [k.mac, { node, ...('ip' in k ? { ip: k.ip } : {}) }]),
  );
  async byMac(mac: string) {
    return this.#byMac.get(mac);
  }
  async reservedIps() {
    return new Set([...this.#byMac.values()].flatMap((r) => (r.ip ? [r.ip] : [])));
  }
}

export interface Harness {
  service: DhcpService;
  leases: LeaseStore;
  events: MemoryEventSink;
  clock: { now: number };
  /** Sends a request as if received on `itf` (default eth-a); returns the reply decoded from its bytes. */
  send(r: ClientRequest, from?: Partial<DhcpIncoming>): Promise<(DhcpOutgoing & { decoded: DhcpPacket }) | undefined>;
}

export function harness(config: DhcpServiceConfig = testConfig(), leases: LeaseStore = new MemoryLeaseStore()): Harness {
  const events = new MemoryEventSink();
  const clock = { now: Date.UTC(2026, 10, 23, 12) };
  const service = new DhcpService({ config, leases, reservations: new FakeInventory(), events, clock: () => clock.now });
  return {
    service, leases, events, clock,
    async send(r, from = {}) {
      const out = await service.handle(clientBytes(r), {
        interface: from.interface ?? 'eth-a', via: from.via ?? 'dhcp', source: from.source ?? { address: '0.0.0.0', port: 68 },
      });
      return out && { ...out, decoded: decodeDhcp(out.bytes) };
    },
  };
}

/** Raw option bytes of a reply as hex, or undefined. */
export const rawHex = (p: DhcpPacket, code: number): string | undefined => {
  const o = p.rawOptions.find((x) => x.code === code);
  return o && Buffer.from(o.data).toString('hex');
};

/**
 * An authoritative service for listener tests on loopback: the 127.0.0.0/8 subnet with a pool of 1,020, answering
 * on `port` (relays at 127.0.0.x get unicast replies there), limits on unknown MACs lifted (load generators use them).
 */
export function loopbackService(port: number, leases: LeaseStore = new MemoryLeaseStore()): DhcpService {
  return new DhcpService({
    config: {
      mode: 'authoritative',
      interfaces: [{ name: 'lo', serverAddress: '127.0.0.1' }],
      subnets: [{ cidr: '127.0.0.0/8', pools: [{ start: '127.0.1.1', end: '127.0.4.254' }] }],
      boot: { tftpServer: '127.0.0.1', httpBase: 'http://127.0.0.1:8080' },
      ports: { server: port, client: port + 1 },
      rateLimit: { totalBurst: 100_000, totalPerSecond: 100_000 },
      unknownOffers: { maxPerSubnet: 10_000 },
    },
    leases, reservations: new FakeInventory(), events: new MemoryEventSink(),
  });
}
