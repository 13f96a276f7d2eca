// Runs the DHCP packet path on synthetic clients before the listener opens. A controller restarted into a storm
// otherwise answers its first seconds from V8's interpreter: straight into 2,000 DORA/s it dropped 0.4-3.7 % with a
// p50 of 300-430 ms for 5 s, and nothing after 5 s at 500/s (bench/RESULTS.md, session 8).
import { decodeDhcp } from '../../codec/dhcp/index.ts';
import { MemoryEventSink } from '../../domain/events/event-sink.ts';
import { clientBytes } from './dhcp-request-builder.ts';
import { DhcpService } from './dhcp-service.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';

export interface WarmupResult {
  /** Complete DISCOVER/OFFER/REQUEST/ACK exchanges run. */
  exchanges: number;
  ms: number;
}

/** Locally administered MACs (02:…): never a real machine's. */
const mac = (i: number) => `02:53:30:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

/**
 * DORAs, relayed and direct, through a throwaway DhcpService with the real code but its own synthetic subnet,
 * in-memory leases and a discarded event sink: nothing reaches a socket, the store or the event log. The functions
 * are the ones the real service runs, so V8 compiles them now. Stops after `budgetMs` (or `maxExchanges`); yields to
 * the event loop between batches so the API stays responsive meanwhile.
 */
export async function warmDhcpPath(budgetMs: number, maxExchanges = 20_000, now: () => number = () => performance.now()): Promise<WarmupResult> {
  const t0 = now();
  if (budgetMs <= 0) return { exchanges: 0, ms: 0 };
  const service = new DhcpService({
    config: {
      mode: 'authoritative', interfaces: [{ name: 'warmup0', serverAddress: '10.254.0.1' }],
      subnets: [{ cidr: '10.254.0.0/16', pools: [{ start: '10.254.1.0', end: '10.254.255.254' }], router: '10.254.0.1', dns: ['10.254.0.53'], domain: 'warmup.invalid', leaseSeconds: 3600 }],
      boot: { tftpServer: '10.254.0.1', httpBase: 'http://10.254.0.1:8080' },
      rateLimit: { totalBurst: 1e9, totalPerSecond: 1e9, burst: 1e9, perSecond: 1e9 }, unknownOffers: { maxPerSubnet: 65_000 },
    },
    leases: new MemoryLeaseStore(),
    events: new MemoryEventSink(),
    reservations: { byMac: async () => undefined, reservedIps: async () => new Set<string>() },
  });
  const relayed = { interface: 'warmup0', via: 'dhcp' as const, source: { address: '10.254.0.2', port: 67 } };
  const direct = { interface: 'warmup0', via: 'dhcp' as const, source: { address: '0.0.0.0', port: 68 } };
  let n = 0;
  while (n < maxExchanges && now() - t0 < budgetMs) {
    for (const end = n + 100; n < end; n++) {
      const relay = n % 2 === 0;
      const m = mac(n % 50_000);
      const giaddr = relay ? '10.254.0.2' : undefined;
      const from = relay ? relayed : direct;
      const offer = await service.handle(clientBytes({ type: 'DISCOVER', mac: m, xid: n, ...(giaddr && { giaddr }), ...(n % 3 === 0 && { userClass: 'iPXE' }) }), from);
      if (!offer) throw new Error(`DHCP warm-up: no OFFER for ${m}: ${JSON.stringify(service.counters.snapshot())}`);
      const yiaddr = decodeDhcp(offer.bytes).yiaddr;
      await service.handle(clientBytes({ type: 'REQUEST', mac: m, xid: n, ...(giaddr && { giaddr }), requestedIp: yiaddr, serverId: '10.254.0.1' }), from);
    }
    await new Promise((r) => setImmediate(r));
  }
  return { exchanges: n, ms: now() - t0 };
}
