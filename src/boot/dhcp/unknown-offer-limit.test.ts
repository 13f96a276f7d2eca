// A sustained random-MAC DISCOVER flood (no REQUESTs) against the real DHCP service and lease store: it can hold at
// most a quarter of the pool, each offer for 10 s; known nodes and real clients that finish DORA keep getting addresses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness, KNOWN, testConfig } from './dhcp-service-fixture.ts';
import { isHeld } from './lease-store.ts';
import { mayOfferUnknown, UnknownOfferTally } from './unknown-offer-limit.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';
import type { Subnet } from './dhcp-subnets.ts';
import { validateConfig } from '../../config/load-config.ts';
import { dhcpServiceConfig } from '../start-boot-services.ts';

const randomMac = (i: number) => `02:${[i >> 24, i >> 16, i >> 8, i, 0x5a].map((b) => (b & 0xff).toString(16).padStart(2, '0')).join(':')}`;
// Pool of 151 addresses (.100-.250) with n2's reserved address inside it: the cap is floor(151 / 4) = 37.
const POOL = { cidr: '10.98.1.0/24', pools: [{ start: '10.98.1.100', end: '10.98.1.250' }] };

/** 60 s of flood from random MACs at 40 DISCOVERs/s, 100 ms steps; returns the most unknown offers held at once. */
async function flood(h: ReturnType<typeof harness>, seconds = 60): Promise<number> {
  let most = 0;
  let n = 0;
  for (let step = 0; step < seconds * 10; step++) {
    h.clock.now += 100;
    await Promise.all(Array.from({ length: 4 }, () => h.send({ type: 'DISCOVER', mac: randomMac(++n) })));
    const held = (await h.leases.list({ subnet: POOL.cidr })).filter((l) => l.state === 'offered' && !l.node && isHeld(l, h.clock.now)).length;
    most = Math.max(most, held);
  }
  return most;
}

describe('OFFERs to unknown MACs under a random-MAC flood', () => {
  it('hold at most a quarter of the pool, 10 s each; the pool stays open to known nodes and to a real client', async () => {
    const h = harness(testConfig({ subnets: [POOL] }));
    const most = await flood(h);
    assert.equal(most, 37, 'capped at a quarter of the pool');
    assert.ok(h.service.counters.get('unknown-offers-capped') > 1000, `capped ${h.service.counters.get('unknown-offers-capped')}`);
    const offers = (await h.leases.list()).filter((l) => l.state === 'offered');
    for (const o of offers) assert.ok(o.expiresAt - h.clock.now <= 10_000, 'held 10 s at most');

    // Known nodes: reserved address, and pool address for a node without one (not capped).
    assert.equal((await h.send({ type: 'DISCOVER', mac: KNOWN.n1.mac }))?.decoded.yiaddr, KNOWN.n1.ip);
    const n3 = await h.send({ type: 'DISCOVER', mac: KNOWN.n3.mac });
    assert.ok(n3?.decoded.yiaddr, 'known node without reservation gets a pool address during the flood');

    // A real unknown client: once a slot frees (offers expire after 10 s), its DISCOVER gets an OFFER and its REQUEST an ACK.
    h.clock.now += 10_001;
    const offer = await h.send({ type: 'DISCOVER', mac: '52:54:00:99:99:99' });
    assert.ok(offer, 'OFFER after the flood pauses');
    const ack = await h.send({ type: 'REQUEST', mac: '52:54:00:99:99:99', requestedIp: offer.decoded.yiaddr, serverId: '10.98.1.1' });
    assert.equal(ack?.decoded.options.messageType, 'ACK');
  });

  it('without the cap (the old 60 s hold, no limit) the same flood exhausts the pool: the test can fail', async () => {
    const h = harness(testConfig({ subnets: [POOL], unknownOffers: { holdSeconds: 60, maxPerSubnet: 1_000_000 } }));
    const most = await flood(h, 10);
    assert.equal(most, 150, 'every pool address but the reserved one held by the flood');
    assert.equal(await h.send({ type: 'DISCOVER', mac: '52:54:00:99:99:99' }), undefined, 'a real client gets nothing');
    assert.ok(h.service.counters.get('pool-exhausted') > 0);
  });

  it('a retransmitted DISCOVER of a MAC that holds an offer is answered even at the cap', async () => {
    const now = 1000;
    const rows = [
      { ip: '10.0.0.1', mac: 'a', subnet: 's', state: 'offered' as const, expiresAt: now + 5000 },
      { ip: '10.0.0.2', mac: 'b', subnet: 's', state: 'offered' as const, expiresAt: now + 5000 },
      { ip: '10.0.0.3', mac: 'c', subnet: 's', state: 'offered' as const, expiresAt: now - 1, node: undefined }, // expired
      { ip: '10.0.0.4', mac: 'd', subnet: 's', state: 'offered' as const, expiresAt: now + 5000, node: 'n4' }, // known: not counted
      { ip: '10.0.0.5', mac: 'e', subnet: 's', state: 'bound' as const, expiresAt: now + 5000 },
    ];
    const store = new MemoryLeaseStore(rows);
    const subnet = { cidr: 's' } as Subnet;
    assert.equal(await mayOfferUnknown(store, subnet, 'a', 2, now), true);
    assert.equal(await mayOfferUnknown(store, subnet, 'z', 2, now), false);
    assert.equal(await mayOfferUnknown(store, subnet, 'z', 3, now), true);
  });

  it('the tally reads the count at most twice a second far below the cap, and on every check near it (the cap stays exact)', async () => {
    const store = new MemoryLeaseStore();
    let reads = 0;
    const counting = { getByMac: store.getByMac.bind(store), countUnknownOffers: (sub: string, t: number) => (reads++, store.countUnknownOffers(sub, t)) };
    const subnet = { cidr: 's' } as Subnet;
    const tally = new UnknownOfferTally(500);
    let now = 1000;
    let ip = 0;
    const offerTo = async (mac: string) => {
      if (!(await mayOfferUnknown(counting, subnet, mac, 20, now, tally))) return false;
      await store.offer({ ip: `10.0.0.${++ip}`, mac, subnet: 's', expiresAt: now + 10_000 }, now);
      tally.offered(subnet);
      return true;
    };
    for (let i = 0; i < 10; i++) assert.ok(await offerTo(`far${i}`));
    assert.equal(reads, 1, 'below half the cap (the 10th check counted 9 < 10): one read, then counted locally');
    reads = 0;
    for (let i = 0; i < 10; i++) assert.ok(await offerTo(`near${i}`));
    assert.equal(reads, 10, 'from half the cap on, every check reads the store');
    assert.equal(await offerTo('over'), false, 'refused exactly at the cap of 20');
    now += 10_001; // every offer expired: the next read sees none
    reads = 0;
    assert.ok(await offerTo('later'));
    assert.equal(reads, 1);
  });

  it('the YAML keys dhcp.unknownOffers reach the service (defaults: 10 s, a quarter of the pool)', () => {
    const addressOf = () => '10.98.1.1';
    assert.deepEqual(dhcpServiceConfig(validateConfig({}), addressOf).unknownOffers, { holdSeconds: 10 });
    const set = validateConfig({ dhcp: { unknownOffers: { holdSeconds: 5, maxPerSubnet: 3 } } });
    assert.deepEqual(dhcpServiceConfig(set, addressOf).unknownOffers, { holdSeconds: 5, maxPerSubnet: 3 });
    assert.throws(() => validateConfig({ dhcp: { unknownOffers: { holdSeconds: 0 } } }), /dhcp\.unknownOffers\.holdSeconds/);
  });

  it('the YAML keys dhcp.unknownRate reach the service (defaults: 8 + 2/s per MAC, 1024 + 256/s for all unknown MACs)', () => {
    const addressOf = () => '10.98.1.1';
    assert.deepEqual(dhcpServiceConfig(validateConfig({}), addressOf).rateLimit, { burst: 8, perSecond: 2, totalBurst: 1024, totalPerSecond: 256 });
    const set = validateConfig({ dhcp: { unknownRate: { perMacBurst: 4, perMacPerSecond: 0.5, totalBurst: 64, totalPerSecond: 16 } } });
    assert.deepEqual(dhcpServiceConfig(set, addressOf).rateLimit, { burst: 4, perSecond: 0.5, totalBurst: 64, totalPerSecond: 16 });
    assert.throws(() => validateConfig({ dhcp: { unknownRate: { totalPerSecond: 0 } } }), /dhcp\.unknownRate\.totalPerSecond/);
  });
});
