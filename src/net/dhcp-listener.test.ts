// The DHCP listener over real UDP sockets on loopback: relayed and unicast replies, drops counted.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { decodeDhcp } from '../codec/dhcp/index.ts';
import { clientBytes } from '../boot/dhcp/dhcp-request-builder.ts';
import { DhcpService } from '../boot/dhcp/dhcp-service.ts';
import { FakeInventory, KNOWN, loopbackService } from '../boot/dhcp/dhcp-service-fixture.ts';
import { MemoryLeaseStore } from '../boot/dhcp/memory-lease-store.ts';
import { MemoryEventSink } from '../domain/events/event-sink.ts';
import { DhcpListener } from './dhcp-listener.ts';

const SERVER_PORT = 20000 + (process.pid % 20000);
const CLIENT_PORT = SERVER_PORT + 1;

async function udp(address: string, port: number): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(port, address);
  await once(s, 'listening');
  return s;
}

async function reply(s: dgram.Socket, ms = 2000) {
  const [msg, rinfo] = (await Promise.race([
    once(s, 'message'),
    new Promise((_, rej) => setTimeout(() => rej(new Error('no reply')), ms).unref()),
  ])) as [Buffer, dgram.RemoteInfo];
  return { packet: decodeDhcp(msg), rinfo };
}

for (const sockets of ['batch', 'dgram'] as const) {
describe(`DhcpListener on loopback (${sockets} sockets)`, () => {
  const leases = new MemoryLeaseStore();
  const service = new DhcpService({
    config: {
      mode: 'authoritative',
      interfaces: [{ name: 'lo', serverAddress: '127.0.0.1' }],
      subnets: [{ cidr: '127.0.0.0/8', pools: [{ start: '127.0.0.100', end: '127.0.0.110' }] }],
      boot: { tftpServer: '127.0.0.1', httpBase: 'http://127.0.0.1:8080' },
      ports: { server: SERVER_PORT, client: CLIENT_PORT },
    },
    leases, reservations: new FakeInventory(), events: new MemoryEventSink(),
  });
  const listener = new DhcpListener({ service, bindToDevice: false, bindAddress: '127.0.0.1', expireEveryMs: 0, sockets });
  const clients: dgram.Socket[] = [];

  before(() => listener.start());
  after(async () => {
    await listener.stop();
    for (const s of clients) s.close();
  });

  it(`reads and writes through ${sockets} sockets`, () => {
    assert.equal(listener.socketKind, sockets);
  });

  it('asks the kernel for a receive buffer big enough for a burst of DISCOVERs (4 MiB by default)', () => {
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    for (const got of listener.receiveBufferBytes) assert.equal(got, Math.min(4 * 1024 * 1024, rmemMax));
  });

  it('a relayed DISCOVER is answered unicast to giaddr on the server port', async () => {
    const relay = await udp('127.0.0.2', SERVER_PORT);
    clients.push(relay);
    relay.send(clientBytes({ type: 'DISCOVER', mac: '02:cc:00:00:00:01', giaddr: '127.0.0.2', relayAgentInfo: Uint8Array.of(1, 1, 7) }), SERVER_PORT, '127.0.0.1');
    const { packet, rinfo } = await reply(relay);
    assert.deepEqual([packet.options.messageType, packet.yiaddr, rinfo.port], ['OFFER', '127.0.0.100', SERVER_PORT]);
    assert.equal(packet.options.relayAgentInfo?.circuitId?.[0], 7);
  });

  it('an INFORM from a configured client is answered at ciaddr on the client port', async () => {
    const client = await udp('127.0.0.3', CLIENT_PORT);
    clients.push(client);
    client.send(clientBytes({ type: 'INFORM', mac: KNOWN.n3.mac, ciaddr: '127.0.0.3' }), SERVER_PORT, '127.0.0.1');
    const { packet } = await reply(client);
    assert.deepEqual([packet.options.messageType, packet.ciaddr, packet.options.subnetMask], ['ACK', '127.0.0.3', '255.0.0.0']);
  });

  it('garbage is counted as malformed and answered by nothing', async () => {
    const before = service.counters.get('malformed.short-header');
    const s = await udp('127.0.0.4', 0);
    clients.push(s);
    s.send(Buffer.from('not dhcp'), SERVER_PORT, '127.0.0.1');
    for (let i = 0; i < 50 && service.counters.get('malformed.short-header') === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(service.counters.get('malformed.short-header'), before + 1);
  });

  it('reports the ports it bound and refuses several interfaces without SO_BINDTODEVICE', async () => {
    assert.deepEqual(listener.boundPorts, [{ interface: 'lo', via: 'dhcp', port: SERVER_PORT }]);
    const two = new DhcpService({
      config: { ...service.config, interfaces: [{ name: 'lo', serverAddress: '127.0.0.1' }, { name: 'lo2', serverAddress: '127.0.0.9' }] },
      leases, reservations: new FakeInventory(), events: new MemoryEventSink(),
    });
    await assert.rejects(new DhcpListener({ service: two, bindToDevice: false, sockets }).start(), /needs bindToDevice/);
  });

  it('a port already taken by a socket without SO_REUSEADDR is an error that names the interface and port', async () => {
    const taken = await udp('127.0.0.1', 0);
    clients.push(taken);
    const port = taken.address().port;
    const other = loopbackService(port, new MemoryLeaseStore());
    await assert.rejects(new DhcpListener({ service: other, bindToDevice: false, bindAddress: '127.0.0.1', expireEveryMs: 0, sockets }).start(),
      new RegExp(`DHCP on lo \\(127\\.0\\.0\\.1:${port}\\): .*(in use|EADDRINUSE)`));
  });
});

/** The memory lease store, slowed down: every offer takes `ms` (a busy database), so requests pile up. */
class SlowLeaseStore extends MemoryLeaseStore {
  constructor(private readonly ms: number) {
    super();
  }

  override async offer(...args: Parameters<MemoryLeaseStore['offer']>) {
    await new Promise((r) => setTimeout(r, this.ms));
    return super.offer(...args);
  }
}

describe(`DhcpListener under a burst bigger than its handlers (${sockets} sockets)`, () => {
  async function burst(o: { maxQueueAgeMs: number; count: number }) {
    const port = 20000 + ((process.pid + 7) % 20000);
    const service = loopbackService(port, new SlowLeaseStore(5));
    const listener = new DhcpListener({ service, bindToDevice: false, bindAddress: '127.0.0.1', expireEveryMs: 0, maxInFlight: 2, maxQueueAgeMs: o.maxQueueAgeMs, sockets });
    await listener.start();
    const relay = await udp('127.0.0.2', port);
    relay.setRecvBufferSize(4 * 1024 * 1024);
    const offers = new Set<string>();
    relay.on('message', (m) => offers.add(decodeDhcp(m).yiaddr));
    try {
      for (let i = 0; i < o.count; i++) relay.send(clientBytes({ type: 'DISCOVER', mac: `02:dd:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, xid: i, giaddr: '127.0.0.2' }), port, '127.0.0.1');
      const deadline = Date.now() + 10_000;
      const settled = () => service.counters.get('received') >= o.count && listener.queued === 0;
      while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100)); // the last replies in flight
      return { offers: offers.size, counters: service.counters.snapshot() };
    } finally {
      relay.close();
      await listener.stop();
    }
  }

  it('queues what its handlers cannot take yet and answers every request of the burst, in order', async () => {
    const r = await burst({ maxQueueAgeMs: 60_000, count: 300 });
    assert.equal(r.offers, 300, JSON.stringify(r.counters));
    assert.equal(r.counters['dropped.overload'], undefined);
    assert.equal(r.counters['dropped.stale'], undefined);
  });

  it('drops requests that waited longer than maxQueueAgeMs (the client has retried by then), and counts them', async () => {
    const r = await burst({ maxQueueAgeMs: 50, count: 300 });
    const stale = r.counters['dropped.stale'] ?? 0;
    assert.ok(stale > 100, JSON.stringify(r.counters));
    assert.equal(r.offers + stale, 300, JSON.stringify(r.counters));
  });
});
}
