// The pool allocator over a real (memory) lease store: RFC 2131 §4.3.1 order, exhaustion only when truly full, and
// a DISCOVER that costs a few indexed lookups however many leases exist.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ipToInt } from './ipv4.ts';
import type { Subnet } from './dhcp-subnets.ts';
import type { LeaseStore } from './lease-store.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';
import { allocateFromPool, PoolCursors, type AllocateOptions } from './pool-allocator.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import { mayOfferUnknown } from './unknown-offer-limit.ts';
import { openSqliteDatabase } from '../../store/sqlite/sqlite-store.ts';
import { SqlLeaseStore } from '../../store/kysely/lease-store-sql.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

const ask = (store: LeaseStore, s: Subnet, cursors: PoolCursors, i: number, o: { requestedIp?: string; reserved?: string[]; now?: number } = {}, opts: AllocateOptions = {}) =>
  allocateFromPool(store, s, { claim: { mac: mac(i), expiresAt: (o.now ?? T0) + HOUR }, requestedIp: o.requestedIp, reserved: new Set(o.reserved ?? []), now: o.now ?? T0 }, cursors, opts)
    .then((l) => (l === 'refused' ? assert.fail('refused without an admit check') : l));

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

  describe('concurrent DISCOVERs: the pick under the subnet lock, the OFFER written outside it (real SQLite store)', () => {
    const dir = mkdtempSync(join(tmpdir(), 's0t-alloc-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const withStore = async (name: string, fn: (store: SqlLeaseStore) => Promise<void>) => {
      const db = await openSqliteDatabase(join(dir, `${name}.db`));
      try {
        await fn(new SqlLeaseStore(db));
      } finally {
        await db.destroy();
      }
    };

    it('200 at once: 200 distinct addresses, written in shared commits while the next picks went on', async () => withStore('a', async (store) => {
      const s = subnet([['10.60.1.1', '10.60.1.250']]);
      const c = new PoolCursors();
      const lock = new KeyedMutex();
      let inFlight = 0;
      let most = 0;
      const watched = new Proxy(store, {
        get(t, p, r) {
          const v = Reflect.get(t, p, r) as unknown;
          if (p !== 'offer' || typeof v !== 'function') return typeof v === 'function' ? v.bind(t) : v;
          return async (...a: unknown[]) => {
            most = Math.max(most, ++inFlight);
            try {
              return await (v as (...x: unknown[]) => Promise<unknown>).apply(t, a);
            } finally {
              inFlight--;
            }
          };
        },
      });
      const got = await Promise.all(Array.from({ length: 200 }, (_, i) => ask(watched, s, c, i, {}, { lock: (fn) => lock.run(NET, fn) })));
      assert.equal(new Set(got.map((l) => l?.ip)).size, 200, 'no address twice');
      assert.equal((await store.list({ subnet: NET })).filter((l) => l.state === 'offered').length, 200);
      assert.ok(most > 1, `OFFER writes overlapped (at most ${most} at once): the lock was not held across them`);
      // A retransmitted DISCOVER of a client whose OFFER is still being written gets that same address.
      const [a, b] = await Promise.all([ask(store, s, c, 500, {}, { lock: (fn) => lock.run(NET, fn) }), ask(store, s, c, 500, {}, { lock: (fn) => lock.run(NET, fn) })]);
      assert.equal(a?.ip, b?.ip);
    }));

    it('the cap on OFFERs to unknown MACs counts the ones still being written: 20 at once against a cap of 5 give 5', async () => withStore('b', async (store) => {
      const s = subnet([['10.60.2.1', '10.60.2.250']]);
      const c = new PoolCursors();
      const lock = new KeyedMutex();
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => allocateFromPool(store, s,
        { claim: { mac: mac(i), expiresAt: T0 + 10_000 }, requestedIp: undefined, reserved: new Set(), now: T0 }, c,
        { lock: (fn) => lock.run(NET, fn), unknown: true, admit: () => mayOfferUnknown(store, s, mac(i), 5 - c.unknownWriting(s), T0) })));
      assert.equal(outcomes.filter((o) => o === 'refused').length, 15);
      assert.equal((await store.list({ subnet: NET })).length, 5);
      assert.equal(c.unknownWriting(s), 0, 'nothing left marked once the writes settled');
    }));
  });
});
