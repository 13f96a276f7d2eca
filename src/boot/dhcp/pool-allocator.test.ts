// The pool allocator over a real (memory) lease store: RFC 2131 §4.3.1 order, exhaustion only when truly full, and
// a DISCOVER that costs a few indexed lookups however many leases exist.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipToInt } from './ipv4.ts';
import type { Subnet } from './dhcp-subnets.ts';
import type { LeaseStore } from './lease-store.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';
import { allocateFromPool, PoolCursors } from './pool-allocator.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const NET = '10.60.0.0/16';
const subnet = (ranges: Array<[string, string]>): Subnet => ({ cidr: NET, net: { base: ipToInt('10.60.0.0'), prefix: 16 }, ranges: ranges.map(([a, b]) => [ipToInt(a), ipToInt(b)]), leaseSeconds: 3600 } as unknown as Subnet);
const mac = (i: number) => `02:60:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

/** Counts the store calls the allocator makes (the store itself is real). */
function counting(inner: LeaseStore): { store: LeaseStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

const ask = (store: LeaseStore, s: Subnet, cursors: PoolCursors, i: number, o: { requestedIp?: string; reserved?: string[]; now?: number } = {}) =>
  allocateFromPool(store, s, { claim: { mac: mac(i), expiresAt: (o.now ?? T0) + HOUR }, requestedIp: o.requestedIp, reserved: new Set(o.reserved ?? []), now: o.now ?? T0 }, cursors);

describe('pool allocator', () => {
  it('gives never-used addresses in order across ranges, skipping reserved ones, and the same address to the same MAC', async () => {
    const store = new MemoryLeaseStore();
    const s = subnet([['10.60.1.1', '10.60.1.3'], ['10.60.2.10', '10.60.2.11']]);
    const c = new PoolCursors();
    const got = [];
    for (let i = 1; i <= 4; i++) got.push((await ask(store, s, c, i, { reserved: ['10.60.1.2'] }))?.ip);
    assert.deepEqual(got, ['10.60.1.1', '10.60.1.3', '10.60.2.10', '10.60.2.11']);
    assert.equal((await ask(store, s, c, 2))?.ip, '10.60.1.3', 'sticky');
    assert.equal(await ask(store, s, c, 9, { reserved: ['10.60.1.2'] }), undefined, 'exhausted');
  });

  it('honours a free requested address, and reuses the address freed longest ago only when none was never used', async () => {
    const store = new MemoryLeaseStore();
    const s = subnet([['10.60.1.1', '10.60.1.4']]);
    const c = new PoolCursors();
    assert.equal((await ask(store, s, c, 1, { requestedIp: '10.60.1.3' }))?.ip, '10.60.1.3');
    const held = new Map<string, number>();
    for (let i = 2; i <= 4; i++) held.set((await ask(store, s, c, i))!.ip, i);
    assert.deepEqual([...held.keys()].sort(), ['10.60.1.1', '10.60.1.2', '10.60.1.4']);
    await store.release('10.60.1.4', mac(held.get('10.60.1.4')!), T0 + 10);
    await store.release('10.60.1.1', mac(held.get('10.60.1.1')!), T0 + 20); // freed later than .4
    assert.equal((await ask(store, s, c, 7, { now: T0 + 30 }))?.ip, '10.60.1.4', 'freed longest ago first');
    assert.equal((await ask(store, s, c, 8, { now: T0 + 30 }))?.ip, '10.60.1.1');
    assert.equal(await ask(store, s, c, 9, { now: T0 + 30 }), undefined);
  });

  it('after a restart the cursor starts past the highest known address, and an address freed behind it is still found', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ ip: `10.60.0.${i + 1}`, mac: mac(i), subnet: NET, state: 'bound' as const, expiresAt: T0 + HOUR }));
    const s = subnet([['10.60.0.1', '10.60.0.210']]);
    const { store, calls } = counting(new MemoryLeaseStore(rows));
    const c = new PoolCursors();
    assert.equal((await ask(store, s, c, 1000))?.ip, '10.60.0.201');
    // The rest of the pool fills up; then one MAC moves away from .50 (its row is deleted by the store).
    for (let i = 1001; i <= 1009; i++) await ask(store, s, c, i);
    assert.equal(await ask(store, s, c, 1010), undefined);
    await store.offer({ ip: '10.60.0.205', mac: mac(49), subnet: NET, expiresAt: T0 + HOUR }, T0 + 1).catch(() => undefined);
    await store.release('10.60.0.50', mac(49), T0 + 2); // free again (released), or gone: either way it must be found
    assert.equal((await ask(store, s, c, 1011, { now: T0 + 3 }))?.ip, '10.60.0.50');
    assert.equal(calls.get('list'), 1, 'the subnet was read once, to place the cursor');
  });

  it('a DISCOVER costs a handful of indexed lookups, not a read of every lease', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ ip: `10.60.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`, mac: mac(i), subnet: NET, state: 'bound' as const, expiresAt: T0 + HOUR }));
    const s = subnet([['10.60.1.1', '10.60.200.250']]);
    const { store, calls } = counting(new MemoryLeaseStore(rows));
    const c = new PoolCursors();
    for (let i = 0; i < 100; i++) assert.ok(await ask(store, s, c, 10_000 + i));
    assert.equal(calls.get('list'), 1);
    const perDiscover = ((calls.get('getByIp') ?? 0) + (calls.get('getByMac') ?? 0)) / 100;
    assert.ok(perDiscover <= 3, `${perDiscover} lookups per DISCOVER`);
    assert.equal(calls.get('oldestFree') ?? 0, 0, 'never-used addresses were left: no reuse query');
  });
});
