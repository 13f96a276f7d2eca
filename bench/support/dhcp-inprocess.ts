// DORA through DhcpService.handle() with the real SQLite lease store, no sockets: the server's own cost per exchange
// (what bench/dhcp-rate measures end to end). Run: node --import tsx bench/support/dhcp-inprocess.ts [exchanges] [clients]
// [sqlite|memory] — `memory` keeps leases in MemoryLeaseStore (the inventory stays in SQLite): the difference is the
// lease store's share of a DORA.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientBytes } from '../../src/boot/dhcp/dhcp-request-builder.ts';
import { DhcpService } from '../../src/boot/dhcp/dhcp-service.ts';
import { MemoryLeaseStore } from '../../src/boot/dhcp/memory-lease-store.ts';
import { InventoryService } from '../../src/domain/services/inventory-service.ts';
import { decodeDhcp } from '../../src/codec/dhcp/index.ts';
import { MemoryEventSink } from '../../src/domain/events/event-sink.ts';
import { openStores } from '../../src/store/open-store.ts';

const [exchanges = 20_000, clients = 10_000] = process.argv.slice(2, 4).map(Number);
const leaseKind = process.argv[4] ?? 'sqlite';
if (!['sqlite', 'memory'].includes(leaseKind)) throw new Error('lease store: sqlite or memory');
const dir = mkdtempSync(join(tmpdir(), 's0b-dhcp-inproc-'));
const stores = await openStores({ kind: 'sqlite', path: join(dir, 'stage0.db') });
const inventory = new InventoryService(stores.inventory);
const service = new DhcpService({
  config: {
    mode: 'authoritative', interfaces: [{ name: 'sv0', serverAddress: '10.96.0.1' }],
    subnets: [{ cidr: '10.95.0.0/16', pools: [{ start: '10.95.1.0', end: '10.95.255.254' }] }],
    boot: { tftpServer: '10.96.0.1', httpBase: 'http://10.96.0.1:8080' },
    rateLimit: { totalBurst: 1e9, totalPerSecond: 1e9, burst: 1e9, perSecond: 1e9 }, unknownOffers: { maxPerSubnet: 65_000 },
  },
  leases: leaseKind === 'memory' ? new MemoryLeaseStore() : stores.leases, events: new MemoryEventSink(),
  // The inventory service over the same database, as `stage0 serve` has it; but one snapshot read per lookup (two per
  // packet): serve shares one per loop turn (start-boot-services.ts, perTurn), which this loop, never yielding, cannot.
  reservations: {
    byMac: async (m) => {
      const n = await inventory.nodeByMac(m);
      return n && { node: n.name, hostname: n.name, ...(typeof n.effective?.ip === 'string' && { ip: n.effective.ip }) };
    },
    reservedIps: () => inventory.reservedIps(),
  },
});
const mac = (i: number) => `02:5d:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
const from = { interface: 'sv0', via: 'dhcp' as const, source: { address: '10.95.0.1', port: 67 } };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// The first pass over the clients creates their lease rows; later passes find them (renewals, repeat storms).
let firstPass: { s: number; cpu: NodeJS.CpuUsage } | undefined;
for (let i = 0; i < exchanges; i++) {
  if (i === clients) firstPass = { s: (performance.now() - t0) / 1000, cpu: process.cpuUsage(cpu0) };
  const m = mac(i % clients);
  const offer = await service.handle(clientBytes({ type: 'DISCOVER', mac: m, xid: i, giaddr: '10.95.0.1' }), from);
  if (!offer) throw new Error(`no offer for ${m}: ${JSON.stringify(service.counters)}`);
  const o = decodeDhcp(offer.bytes);
  const ack = await service.handle(clientBytes({ type: 'REQUEST', mac: m, xid: i, giaddr: '10.95.0.1', requestedIp: o.yiaddr, serverId: '10.96.0.1' }), from);
  if (!ack || decodeDhcp(ack.bytes).options.messageType !== 'ACK') throw new Error(`no ACK for ${m}`);
}
const s = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const each = (sec: number, c: NodeJS.CpuUsage, n: number) => `${((sec * 1e6) / n).toFixed(0)} µs wall, ${((c.user + c.system) / n).toFixed(0)} µs CPU each`;
if (firstPass && exchanges > clients) {
  const later = { user: cpu.user - firstPass.cpu.user, system: cpu.system - firstPass.cpu.system };
  console.log(`first pass (${clients} new clients): ${each(firstPass.s, firstPass.cpu, clients)}; later passes (${exchanges - clients} DORA of known clients): ${each(s - firstPass.s, later, exchanges - clients)}`);
}
console.log(`${leaseKind} leases: ${exchanges} DORA (${clients} clients) in ${s.toFixed(2)} s = ${(exchanges / s).toFixed(0)} DORA/s, ${((s * 1e6) / exchanges).toFixed(0)} µs each (CPU ${((cpu.user + cpu.system) / exchanges).toFixed(0)} µs each, so ${(1e6 / ((cpu.user + cpu.system) / exchanges)).toFixed(0)} DORA/s of one core)`);
await stores.inventory.close();
rmSync(dir, { recursive: true, force: true });
