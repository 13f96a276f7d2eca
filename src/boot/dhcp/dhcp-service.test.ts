// DHCP service behaviour end to end over bytes: DORA, reservations, pool limits, relay, proxy 4011, DECLINE/RELEASE, INFORM.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DhcpService } from './dhcp-service.ts';
import { harness, KNOWN, rawHex, testConfig } from './dhcp-service-fixture.ts';
import { MemoryEventSink } from '../../domain/events/event-sink.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';
import { FakeInventory } from './dhcp-service-fixture.ts';

const mac = (i: number) => `02:bb:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

describe('DHCP service, authoritative', () => {
  it('lists its chain explicitly in order', () => {
    assert.deepEqual(harness().service.chain, [
      'sanity', 'relay', 'reservation', 'rate-limit', 'subnet', 'release-decline', 'inform', 'reserved-lease', 'pool', 'lease-reply', 'boot',
    ]);
  });

  it('DISCOVER/OFFER/REQUEST/ACK: commits the lease, replies broadcast on the interface, reports events', async () => {
    const h = harness();
    const offer = await h.send({ type: 'DISCOVER', mac: mac(1) });
    assert.ok(offer);
    assert.equal(offer.decoded.options.messageType, 'OFFER');
    assert.equal(offer.decoded.yiaddr, '10.98.1.100');
    assert.deepEqual([offer.address, offer.port, offer.broadcast], ['255.255.255.255', 68, true]);
    assert.equal((await h.leases.getByIp('10.98.1.100'))?.state, 'offered');
    const ack = await h.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.1', requestedIp: '10.98.1.100' });
    assert.ok(ack);
    const p = ack.decoded;
    assert.equal(p.options.messageType, 'ACK');
    assert.equal(p.yiaddr, '10.98.1.100');
    assert.deepEqual(
      [p.options.subnetMask, p.options.routers, p.options.dnsServers, p.options.domainName, p.options.leaseTime, p.options.renewalTime, p.options.rebindingTime, p.options.serverId],
      ['255.255.255.0', ['10.98.1.1'], ['10.98.1.1'], 'lab', 3600, 1800, 3150, '10.98.1.1'],
    );
    assert.equal(rawHex(p, 61), `01${mac(1).replaceAll(':', '')}`, 'client id echoed (RFC 6842)');
    const lease = await h.leases.getByIp('10.98.1.100');
    assert.deepEqual([lease?.state, lease?.mac, lease?.expiresAt], ['bound', mac(1), h.clock.now + 3600_000]);
    assert.deepEqual(h.events.events.map((e) => [e.kind, e.details.ip, e.details.interface]), [
      ['dhcp.offer', '10.98.1.100', 'eth-a'], ['dhcp.ack', '10.98.1.100', 'eth-a'],
    ]);
    assert.equal(h.service.counters.get('replied.ACK'), 1);
  });

  it('the subnet follows the interface the request came in on', async () => {
    const h = harness();
    const out = await h.send({ type: 'DISCOVER', mac: mac(1) }, { interface: 'eth-b' });
    assert.equal(out?.decoded.yiaddr, '10.98.2.100');
    assert.equal(out?.decoded.options.serverId, '10.98.2.1');
    assert.equal(out?.decoded.options.leaseTime, 600);
    assert.equal(await h.send({ type: 'DISCOVER', mac: mac(1) }, { interface: 'eth-zzz' }), undefined);
    assert.equal(h.service.counters.get('dropped.unknown-interface'), 1);
  });

  it('leases are sticky per MAC, also after RELEASE', async () => {
    const h = harness();
    for (let i = 1; i <= 3; i++) await h.send({ type: 'DISCOVER', mac: mac(i) });
    await h.send({ type: 'REQUEST', mac: mac(2), serverId: '10.98.1.1', requestedIp: '10.98.1.101' });
    await h.send({ type: 'RELEASE', mac: mac(2), ciaddr: '10.98.1.101', serverId: '10.98.1.1' });
    assert.equal((await h.leases.getByIp('10.98.1.101'))?.state, 'released');
    assert.equal(h.events.events.at(-1)?.kind, 'dhcp.release');
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(2) }))?.decoded.yiaddr, '10.98.1.101');
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(1) }))?.decoded.yiaddr, '10.98.1.100');
  });

  it('a known node gets its reserved address, is named in events, and is NAKed for another address', async () => {
    const h = harness();
    const offer = await h.send({ type: 'DISCOVER', mac: KNOWN.n1.mac, requestedIp: '10.98.1.104' });
    assert.equal(offer?.decoded.yiaddr, KNOWN.n1.ip);
    assert.equal(h.events.events[0]?.node, 'n1');
    const ack = await h.send({ type: 'REQUEST', mac: KNOWN.n1.mac, serverId: '10.98.1.1', requestedIp: KNOWN.n1.ip });
    assert.equal(ack?.decoded.options.messageType, 'ACK');
    assert.equal((await h.leases.getByIp(KNOWN.n1.ip))?.node, 'n1');
    const nak = await h.send({ type: 'REQUEST', mac: KNOWN.n1.mac, requestedIp: '10.98.1.104' });
    assert.equal(nak?.decoded.options.messageType, 'NAK');
    assert.equal(nak?.decoded.yiaddr, '0.0.0.0');
    assert.equal(nak?.address, '255.255.255.255');
    assert.equal(h.events.events.at(-1)?.kind, 'dhcp.nak');
  });

  it('a reserved address is never handed to an unknown MAC; an exhausted pool offers nothing and counts it', async () => {
    // Cap on unknown MACs' offers lifted: here the pool itself runs out (the cap: unknown-offer-limit.test.ts).
    const h = harness(testConfig({ unknownOffers: { maxPerSubnet: 100 } }));
    const got: string[] = [];
    for (let i = 1; i <= 10; i++) {
      // Every client asks for the reserved address: option 50 must not win over a reservation.
      const out = await h.send({ type: 'DISCOVER', mac: mac(i), requestedIp: KNOWN.n2.ip });
      if (out) got.push(out.decoded.yiaddr);
    }
    assert.equal(got.length, 9, 'pool .100-.109 minus the reserved .105');
    assert.ok(!got.includes(KNOWN.n2.ip));
    assert.equal(new Set(got).size, 9);
    assert.equal(h.service.counters.get('pool-exhausted'), 1);
    assert.equal(h.service.counters.get('dropped.pool-exhausted'), 1);
    const nak = await h.send({ type: 'REQUEST', mac: mac(50), requestedIp: KNOWN.n2.ip });
    assert.equal(nak?.decoded.options.messageType, 'NAK');
    // The owner still gets it, pool full or not.
    assert.equal((await h.send({ type: 'DISCOVER', mac: KNOWN.n2.mac }))?.decoded.yiaddr, KNOWN.n2.ip);
  });

  it('an offer expires: after offerSeconds the address goes to someone else', async () => {
    const h = harness(testConfig({ subnets: [{ cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.100', end: '10.98.1.100' }] }], offerSeconds: 30 }));
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(1) }))?.decoded.yiaddr, '10.98.1.100');
    assert.equal(await h.send({ type: 'DISCOVER', mac: mac(2) }), undefined);
    h.clock.now += 30_000;
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(2) }))?.decoded.yiaddr, '10.98.1.100');
    assert.equal((await h.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.1', requestedIp: '10.98.1.100' }))?.decoded.options.messageType, 'NAK');
  });

  it('DECLINE keeps the address out of the pool for declineSeconds, for every client', async () => {
    const h = harness(testConfig({ declineSeconds: 100 }));
    await h.send({ type: 'DISCOVER', mac: mac(1) });
    await h.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.1', requestedIp: '10.98.1.100' });
    assert.equal(await h.send({ type: 'DECLINE', mac: mac(1), requestedIp: '10.98.1.100', serverId: '10.98.1.1' }), undefined);
    assert.equal(h.service.counters.get('handled.decline'), 1);
    assert.deepEqual(h.events.events.at(-1)?.details, { mac: mac(1), interface: 'eth-a', relay: null, ip: '10.98.1.100' });
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(1) }))?.decoded.yiaddr, '10.98.1.101');
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(2), requestedIp: '10.98.1.100' }))?.decoded.yiaddr, '10.98.1.102');
    // A DECLINE from a MAC that does not hold the address changes nothing.
    assert.equal(await h.send({ type: 'DECLINE', mac: mac(3), requestedIp: '10.98.1.102' }), undefined);
    assert.equal(h.service.counters.get('dropped.decline-not-holder'), 1);
    h.clock.now += 100_000;
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(4), requestedIp: '10.98.1.100' }))?.decoded.yiaddr, '10.98.1.100');
  });

  it('a REQUEST for another server\'s offer frees ours at once', async () => {
    const h = harness(testConfig({ subnets: [{ cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.100', end: '10.98.1.100' }] }] }));
    await h.send({ type: 'DISCOVER', mac: mac(1) });
    assert.equal(await h.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.254', requestedIp: '10.98.1.200' }), undefined);
    assert.equal(h.service.counters.get('handled.chose-other-server'), 1);
    assert.equal((await h.send({ type: 'DISCOVER', mac: mac(2) }))?.decoded.yiaddr, '10.98.1.100');
  });

  it('controllers sharing one store: a REQUEST to the other leaves its offer and its binding alone', async () => {
    const leases = new MemoryLeaseStore();
    const cfg = (serverAddress: string) => testConfig({ interfaces: [{ name: 'eth-a', serverAddress }] });
    const a = harness(cfg('10.98.1.1'), leases);
    const b = harness(cfg('10.98.1.2'), leases);
    // B offered the address and the client asks B for it: A must not free the row it sees as an offer.
    const offer = await b.send({ type: 'DISCOVER', mac: mac(1) });
    assert.equal(await a.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.2', requestedIp: offer!.decoded.yiaddr }), undefined);
    assert.equal((await leases.getByIp(offer!.decoded.yiaddr))?.state, 'offered');
    assert.equal((await b.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.2', requestedIp: offer!.decoded.yiaddr }))?.decoded.options.messageType, 'ACK');
    // A late copy of the REQUEST reaching A after B bound: the binding stays.
    assert.equal(await a.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.2', requestedIp: '10.98.1.250' }), undefined);
    assert.equal((await leases.getByIp(offer!.decoded.yiaddr))?.state, 'bound');
  });

  it('INFORM: configuration without a lease, unicast to ciaddr', async () => {
    const h = harness();
    const out = await h.send({ type: 'INFORM', mac: mac(1), ciaddr: '10.98.1.77', arch: 7, vendorClass: 'PXEClient:Arch:00007' });
    assert.ok(out);
    assert.deepEqual([out.decoded.options.messageType, out.decoded.yiaddr, out.decoded.ciaddr, out.decoded.options.leaseTime], ['ACK', '0.0.0.0', '10.98.1.77', undefined]);
    assert.equal(out.decoded.file, 'snponly.efi');
    assert.deepEqual([out.address, out.port, out.broadcast], ['10.98.1.77', 68, false]);
    assert.deepEqual(await h.leases.list(), []);
  });

  it('relay: subnet by giaddr, reply unicast to giaddr:67, option 82 echoed byte for byte and last', async () => {
    const h = harness();
    const info = Uint8Array.of(1, 4, 0x65, 0x74, 0x68, 0x31, 2, 2, 0xab, 0xcd);
    const out = await h.send({ type: 'DISCOVER', mac: mac(1), giaddr: '10.98.3.1', relayAgentInfo: info, arch: 0, vendorClass: 'PXEClient:Arch:00000' });
    assert.ok(out);
    assert.equal(out.decoded.yiaddr, '10.98.3.100');
    assert.equal(out.decoded.giaddr, '10.98.3.1');
    assert.deepEqual([out.address, out.port, out.broadcast], ['10.98.3.1', 67, false]);
    assert.equal(rawHex(out.decoded, 82), Buffer.from(info).toString('hex'));
    assert.equal(out.decoded.rawOptions.at(-1)?.code, 82);
    assert.equal(h.events.events[0]?.details.relay, '10.98.3.1');
    const ack = await h.send({ type: 'REQUEST', mac: mac(1), giaddr: '10.98.3.1', serverId: '10.98.1.1', requestedIp: '10.98.3.100' });
    assert.equal(ack?.decoded.options.messageType, 'ACK');
    assert.equal(await h.send({ type: 'DISCOVER', mac: mac(2), giaddr: '172.16.0.1' }), undefined);
    assert.equal(h.service.counters.get('dropped.no-subnet-for-giaddr'), 1);
  });

  it('malformed datagrams are dropped and counted by reason', async () => {
    const h = harness();
    const from = { interface: 'eth-a', via: 'dhcp' as const, source: { address: '0.0.0.0', port: 68 } };
    assert.equal(await h.service.handle(Buffer.from('hello'), from), undefined);
    const noCookie = Buffer.alloc(300);
    noCookie[0] = 1;
    assert.equal(await h.service.handle(noCookie, from), undefined);
    assert.equal(h.service.counters.get('malformed.short-header'), 1);
    assert.equal(h.service.counters.get('malformed.bad-cookie'), 1);
    assert.equal(h.service.counters.get('received'), 2);
  });

  it('a failing store means no ACK (acknowledged only once committed)', async () => {
    const leases = new MemoryLeaseStore();
    leases.bind = async () => { throw new Error('disk full'); };
    const h = harness(testConfig(), leases);
    await h.send({ type: 'DISCOVER', mac: mac(1) });
    assert.equal(await h.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.1', requestedIp: '10.98.1.100' }), undefined);
    assert.equal(h.service.counters.get('dropped.handler-error'), 1);
    assert.equal(h.service.counters.get('replied.ACK'), 0);
  });

  it('leases survive a restart: a new service over the same store ACKs the renewal', async () => {
    const leases = new MemoryLeaseStore();
    const h1 = harness(testConfig(), leases);
    await h1.send({ type: 'DISCOVER', mac: mac(1) });
    await h1.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.1', requestedIp: '10.98.1.100' });
    const h2 = harness(testConfig(), new MemoryLeaseStore(await leases.list()));
    assert.equal((await h2.send({ type: 'DISCOVER', mac: mac(2) }))?.decoded.yiaddr, '10.98.1.101');
    const renew = await h2.send({ type: 'REQUEST', mac: mac(1), ciaddr: '10.98.1.100' });
    assert.equal(renew?.decoded.options.messageType, 'ACK');
    assert.equal(renew?.address, '10.98.1.100');
  });
});

describe('lease expiry sweep', () => {
  it('expires leases past their time and reports them with the node name', async () => {
    const h = harness();
    await h.send({ type: 'DISCOVER', mac: KNOWN.n1.mac });
    await h.send({ type: 'REQUEST', mac: KNOWN.n1.mac, serverId: '10.98.1.1', requestedIp: KNOWN.n1.ip });
    await h.send({ type: 'DISCOVER', mac: mac(1) });
    assert.equal(await h.service.expireLeases(), 0);
    h.clock.now += 3600_000;
    assert.equal(await h.service.expireLeases(), 2);
    assert.deepEqual(h.events.events.filter((e) => e.kind === 'dhcp.expire').map((e) => [e.node, e.details.ip, e.details.state]), [
      ['n1', KNOWN.n1.ip, 'bound'], [null, '10.98.1.100', 'offered'],
    ]);
  });
});

describe('DHCP service, proxy mode', () => {
  it('answers boot clients only, never gives an address, and ACKs REQUESTs on port 4011', async () => {
    const h = harness(testConfig({ mode: 'proxy' }));
    assert.deepEqual(h.service.chain, ['sanity', 'relay', 'reservation', 'rate-limit', 'proxy', 'boot']);
    assert.equal(await h.send({ type: 'DISCOVER', mac: mac(1) }), undefined);
    assert.equal(h.service.counters.get('dropped.not-a-boot-client'), 1);
    // A REQUEST on 67 is for the address server, not for us.
    assert.equal(await h.send({ type: 'REQUEST', mac: mac(1), serverId: '10.98.1.9', requestedIp: '10.98.1.20', arch: 7, vendorClass: 'PXEClient:Arch:00007' }), undefined);
    const ack = await h.send(
      { type: 'REQUEST', mac: KNOWN.n1.mac, ciaddr: '10.98.1.20', arch: 7, vendorClass: 'PXEClient:Arch:00007:UNDI:003016' },
      { via: 'proxy', source: { address: '10.98.1.20', port: 4011 } },
    );
    assert.ok(ack);
    assert.deepEqual([ack.decoded.options.messageType, ack.decoded.yiaddr, ack.decoded.file, ack.decoded.siaddr], ['ACK', '0.0.0.0', 'snponly.efi', '10.98.1.1']);
    assert.deepEqual([ack.address, ack.port, ack.broadcast], ['10.98.1.20', 4011, false]);
    assert.equal(h.events.events.at(-1)?.node, 'n1');
    assert.equal(h.events.events.at(-1)?.details.proxy, true);
    assert.deepEqual(await h.leases.list(), []);
  });
});

describe('rate limiting of unknown MACs', () => {
  const cfg = testConfig({
    subnets: [{ cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.100', end: '10.98.1.250' }] }],
    rateLimit: { burst: 3, perSecond: 1, totalBurst: 48, totalPerSecond: 16 },
  });

  it('one unknown MAC gets `burst` answers, then tokens at perSecond; a known node is never limited', async () => {
    const h = harness(cfg);
    const answered = [];
    for (let i = 0; i < 5; i++) answered.push((await h.send({ type: 'DISCOVER', mac: mac(1) })) !== undefined);
    assert.deepEqual(answered, [true, true, true, false, false]);
    assert.equal(h.service.counters.get('rate-limited.mac'), 2);
    h.clock.now += 1000;
    assert.ok(await h.send({ type: 'DISCOVER', mac: mac(1) }));
    for (let i = 0; i < 20; i++) assert.ok(await h.send({ type: 'DISCOVER', mac: KNOWN.n1.mac }), `known node refused at ${i}`);
  });

  it('a flood from random MACs is cut by the shared bucket and cannot take reserved addresses or starve known nodes', async () => {
    const h = harness(cfg);
    const flood = await Promise.all(Array.from({ length: 400 }, (_, i) => h.send({ type: 'DISCOVER', mac: mac(1000 + i) })));
    const offered = flood.filter((o) => o !== undefined).map((o) => o.decoded.yiaddr);
    // The shared bucket lets 48 through (totalBurst); the unknown-offer cap (a quarter of 151 addresses) offers 37.
    assert.equal(offered.length, 37);
    assert.equal(h.service.counters.get('rate-limited.unknown-total'), 352);
    assert.equal(h.service.counters.get('unknown-offers-capped'), 11);
    assert.ok(!offered.includes(KNOWN.n2.ip) && !offered.includes(KNOWN.n1.ip));
    for (const n of [KNOWN.n1, KNOWN.n2]) {
      assert.equal((await h.send({ type: 'DISCOVER', mac: n.mac }))?.decoded.yiaddr, n.ip);
    }
    assert.ok(await h.send({ type: 'DISCOVER', mac: KNOWN.n3.mac }), 'known node without reservation served from the pool');
  });
});

describe('configuration', () => {
  it('rejects a pool outside its subnet, naming the field', () => {
    const bad = testConfig({ subnets: [{ cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.100', end: '10.98.2.5' }] }] });
    assert.throws(
      () => new DhcpService({ config: bad, leases: new MemoryLeaseStore(), reservations: new FakeInventory(), events: new MemoryEventSink() }),
      (e: unknown) => (e as { field?: string }).field === 'subnets[0].pools[0]',
    );
  });
});
