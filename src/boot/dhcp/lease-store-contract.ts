// The test suite every LeaseStore backend runs (memory here, SQLite/PostgreSQL elsewhere): same calls, same answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../domain/errors.ts';
import type { Lease, LeaseClaim, LeaseStore } from './lease-store.ts';

export interface LeaseStoreFixture {
  store: LeaseStore;
  /** A fresh instance over the same data, as after a restart. Omit for stores that cannot persist. */
  reopen?: () => Promise<LeaseStore>;
  cleanup?: () => Promise<void>;
}

const NET = '10.50.0.0/24';
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const mac = (i: number) => `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
const claim = (ip: string, m: string, expiresAt = T0 + HOUR, extra: Partial<LeaseClaim> = {}): LeaseClaim => ({
  ip, mac: m, subnet: NET, expiresAt, ...extra,
});
const pick = (l: Lease | undefined) => l && { ip: l.ip, mac: l.mac, state: l.state, expiresAt: l.expiresAt };

async function rejectsConflict(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof DomainError && e.kind === 'conflict');
}

/** Registers the contract tests under `describe(label)`; `factory` gives each test an empty store. */
export function runLeaseStoreContract(label: string, factory: () => Promise<LeaseStoreFixture>): void {
  const withStore = (name: string, fn: (s: LeaseStore, fx: LeaseStoreFixture) => Promise<void>) =>
    it(name, async () => {
      const fx = await factory();
      try {
        await fn(fx.store, fx);
      } finally {
        await fx.cleanup?.();
      }
    });

  describe(`LeaseStore contract: ${label}`, () => {
    withStore('offer then bind: found by address and by MAC, with every field kept', async (s) => {
      await s.offer(claim('10.50.0.10', mac(1), T0 + 60_000, { clientId: '01020000000001', node: 'n1', hostname: 'h1' }), T0);
      assert.equal((await s.getByIp('10.50.0.10'))?.state, 'offered');
      const b = await s.bind(claim('10.50.0.10', mac(1), T0 + HOUR, { clientId: '01020000000001', node: 'n1', hostname: 'h1' }), T0);
      assert.equal(b.state, 'bound');
      const got = await s.getByMac(mac(1), NET);
      assert.deepEqual(
        got && { ...pick(got), clientId: got.clientId, node: got.node, hostname: got.hostname, subnet: got.subnet },
        { ip: '10.50.0.10', mac: mac(1), state: 'bound', expiresAt: T0 + HOUR, clientId: '01020000000001', node: 'n1', hostname: 'h1', subnet: NET },
      );
      assert.equal(await s.getByMac(mac(1), '10.51.0.0/24'), undefined);
      assert.equal(await s.getByIp('10.50.0.11'), undefined);
    });

    withStore('an address held by one MAC is refused to another until it expires', async (s) => {
      await s.offer(claim('10.50.0.10', mac(1), T0 + 1000), T0);
      await rejectsConflict(s.offer(claim('10.50.0.10', mac(2)), T0 + 999));
      await rejectsConflict(s.bind(claim('10.50.0.10', mac(2)), T0 + 999));
      const taken = await s.offer(claim('10.50.0.10', mac(2), T0 + HOUR), T0 + 1000);
      assert.equal(taken.mac, mac(2));
      assert.equal(await s.getByMac(mac(1), NET), undefined, 'the old holder lost its row');
    });

    withStore('release frees the address but remembers it for the same MAC; wrong MAC cannot release', async (s) => {
      await s.bind(claim('10.50.0.10', mac(1)), T0);
      assert.equal(await s.release('10.50.0.10', mac(2), T0 + 1), false);
      assert.equal((await s.getByIp('10.50.0.10'))?.state, 'bound');
      assert.equal(await s.release('10.50.0.10', mac(1), T0 + 1), true);
      assert.deepEqual(pick(await s.getByMac(mac(1), NET)), { ip: '10.50.0.10', mac: mac(1), state: 'released', expiresAt: T0 + 1 });
      await s.offer(claim('10.50.0.10', mac(2)), T0 + 2);
    });

    withStore('withdrawOffer frees an OFFER of its MAC, never a binding', async (s) => {
      await s.offer(claim('10.50.0.10', mac(1), T0 + 1000), T0);
      assert.equal(await s.withdrawOffer('10.50.0.10', mac(2), T0 + 1), false, 'another MAC cannot');
      assert.equal(await s.withdrawOffer('10.50.0.10', mac(1), T0 + 1), true);
      assert.deepEqual(pick(await s.getByMac(mac(1), NET)), { ip: '10.50.0.10', mac: mac(1), state: 'released', expiresAt: T0 + 1 });
      await s.bind(claim('10.50.0.11', mac(2)), T0 + 2);
      assert.equal(await s.withdrawOffer('10.50.0.11', mac(2), T0 + 3), false, 'a bound lease stays bound');
      assert.equal((await s.getByIp('10.50.0.11'))?.state, 'bound');
    });

    withStore('decline blocks the address for everyone until its hold ends', async (s) => {
      await s.bind(claim('10.50.0.10', mac(1)), T0);
      assert.equal(await s.decline('10.50.0.10', mac(2), T0 + 600_000, T0 + 1), false, 'only the holder can decline');
      assert.equal(await s.decline('10.50.0.10', mac(1), T0 + 600_000, T0 + 1), true);
      assert.equal(await s.getByMac(mac(1), NET), undefined, 'a declined row is nobody\'s lease');
      assert.equal((await s.getByIp('10.50.0.10'))?.state, 'declined');
      await rejectsConflict(s.offer(claim('10.50.0.10', mac(1)), T0 + 2));
      await rejectsConflict(s.offer(claim('10.50.0.10', mac(2)), T0 + 599_999));
      await s.offer(claim('10.50.0.10', mac(2), T0 + HOUR), T0 + 600_000);
    });

    withStore('a MAC keeps one lease per subnet: a new address replaces the old one', async (s) => {
      await s.bind(claim('10.50.0.10', mac(1)), T0);
      await s.offer(claim('10.50.0.11', mac(1)), T0);
      assert.equal((await s.getByMac(mac(1), NET))?.ip, '10.50.0.11');
      assert.equal(await s.getByIp('10.50.0.10'), undefined);
      await s.offer({ ...claim('10.51.0.10', mac(1)), subnet: '10.51.0.0/24' }, T0);
      assert.equal((await s.getByMac(mac(1), NET))?.ip, '10.50.0.11', 'other subnets are separate');
    });

    withStore('expire turns past leases into expired and drops finished declines', async (s) => {
      await s.offer(claim('10.50.0.10', mac(1), T0 + 10), T0);
      await s.bind(claim('10.50.0.11', mac(2), T0 + 20), T0);
      await s.bind(claim('10.50.0.12', mac(3), T0 + HOUR), T0);
      await s.bind(claim('10.50.0.13', mac(4)), T0);
      await s.decline('10.50.0.13', mac(4), T0 + 15, T0);
      const gone = await s.expire(T0 + 20);
      assert.deepEqual(gone.map((l) => l.ip).sort(), ['10.50.0.10', '10.50.0.11']);
      assert.deepEqual((await s.list()).map((l) => [l.ip, l.state]), [
        ['10.50.0.10', 'expired'], ['10.50.0.11', 'expired'], ['10.50.0.12', 'bound'],
      ]);
      assert.deepEqual(await s.expire(T0 + 20), []);
    });

    withStore('list filters by subnet and orders by address numerically', async (s) => {
      for (const [i, ip] of ['10.50.0.100', '10.50.0.9', '10.50.0.20'].entries()) await s.offer(claim(ip, mac(i)), T0);
      await s.offer({ ...claim('10.51.0.5', mac(7)), subnet: '10.51.0.0/24' }, T0);
      assert.deepEqual((await s.list({ subnet: NET })).map((l) => l.ip), ['10.50.0.9', '10.50.0.20', '10.50.0.100']);
      assert.equal((await s.list()).length, 4);
    });

    withStore('many MACs racing for one address: exactly one wins', async (s) => {
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => s.offer(claim('10.50.0.10', mac(i)), T0)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof DomainError && r.reason.kind === 'conflict');
    });

    withStore('concurrent allocation: no address is ever given to two MACs', async (s) => {
      const pool = Array.from({ length: 40 }, (_, i) => `10.50.0.${i + 10}`);
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      // Each client looks at the free addresses, picks one at random, and retries on conflict, like the pool handler.
      const allocate = async (m: string): Promise<string | undefined> => {
        for (let attempt = 0; attempt < 30; attempt++) {
          const used = new Set((await s.list({ subnet: NET })).filter((l) => l.expiresAt > T0).map((l) => l.ip));
          const free = pool.filter((ip) => !used.has(ip));
          if (free.length === 0) return undefined;
          const ip = free[Math.floor(rnd() * free.length)]!;
          try {
            return (await (attempt % 2 ? s.bind(claim(ip, m), T0) : s.offer(claim(ip, m), T0))).ip;
          } catch (e) {
            if (!(e instanceof DomainError && e.kind === 'conflict')) throw e;
          }
        }
        return undefined;
      };
      const macs = Array.from({ length: 120 }, (_, i) => mac(i + 100));
      const won = await Promise.all(macs.map(allocate));
      const given = won.filter((ip): ip is string => ip !== undefined);
      assert.equal(new Set(given).size, given.length, 'an address was handed to two MACs');
      assert.ok(given.length >= 30, `only ${given.length} of 40 addresses allocated`);
      const rows = await s.list({ subnet: NET });
      for (const [i, ip] of won.entries()) {
        if (ip !== undefined) assert.equal(rows.find((r) => r.ip === ip)?.mac, macs[i], `${ip} is stored for another MAC`);
      }
    });

    withStore('oldestFree: rows that hold nothing now, freed longest ago first; countUnknownOffers: live offers to unknown MACs', async (s) => {
      await s.bind(claim('10.50.0.10', mac(1), T0 + HOUR), T0); // held
      await s.bind(claim('10.50.0.11', mac(2), T0 + 5000), T0); // expires later: free at T0 + 10 s, but freed last
      await s.bind(claim('10.50.0.12', mac(3), T0 + 3000), T0);
      await s.release('10.50.0.12', mac(3), T0 + 2000); // freed at T0 + 2 s
      await s.offer(claim('10.50.0.20', mac(4), T0 + 1000), T0); // an offer nobody took, over at T0 + 1 s
      await s.offer(claim('10.50.0.21', mac(5), T0 + 60_000), T0); // live offer to an unknown MAC
      await s.offer(claim('10.50.0.22', mac(6), T0 + 60_000, { node: 'n6' }), T0); // live offer to a node
      await s.bind(claim('10.50.0.30', mac(7), T0 + HOUR), T0);
      await s.decline('10.50.0.30', mac(7), T0 + 4000, T0 + 1); // declined until T0 + 4 s
      await s.offer(claim('10.51.0.5', mac(8), T0 + 1, { subnet: '10.51.0.0/24' }), T0); // another subnet
      const ips = async (now: number, limit = 10) => (await s.oldestFree(NET, now, limit)).map((l) => l.ip);
      assert.deepEqual(await ips(T0 + 10_000), ['10.50.0.20', '10.50.0.12', '10.50.0.30', '10.50.0.11']);
      assert.deepEqual(await ips(T0 + 2500), ['10.50.0.20', '10.50.0.12']);
      assert.deepEqual(await ips(T0 + 10_000, 1), ['10.50.0.20']);
      assert.equal(await s.countUnknownOffers(NET, T0 + 500), 2);
      assert.equal(await s.countUnknownOffers(NET, T0 + 1000), 1, 'an offer past its hold no longer counts');
      assert.equal(await s.countUnknownOffers('10.51.0.0/24', T0), 1);
    });

    withStore('a reopened store has every lease (restart loses nothing)', async (s, fx) => {
      await s.bind(claim('10.50.0.10', mac(1), T0 + HOUR, { node: 'n1' }), T0);
      await s.offer(claim('10.50.0.11', mac(2)), T0);
      await s.bind(claim('10.50.0.12', mac(3)), T0);
      await s.decline('10.50.0.12', mac(3), T0 + 5000, T0);
      if (!fx.reopen) return;
      const again = await fx.reopen();
      assert.deepEqual((await again.list()).map(pick), (await s.list()).map(pick));
      assert.equal((await again.getByMac(mac(1), NET))?.node, 'n1');
      await rejectsConflict(again.offer(claim('10.50.0.10', mac(9)), T0 + 1));
    });
  });
}
