// The one behaviour suite every InventoryStore backend must pass (SQLite and PostgreSQL run it unchanged).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError, type ErrorKind } from '../../src/domain/errors.ts';
import type { InventoryStore } from '../../src/store/inventory-store.ts';

export interface StoreUnderTest {
  store: InventoryStore;
  cleanup(): Promise<void>;
}

/** Asserts that `p` rejects with a DomainError of `kind` (and `field`, and a message matching each of `says`). */
export async function rejectsDomain(p: Promise<unknown>, kind: ErrorKind, field?: string, ...says: RegExp[]): Promise<DomainError> {
  let caught: unknown;
  await p.then(() => assert.fail(`expected DomainError ${kind}, got success`), (e: unknown) => { caught = e; });
  assert.ok(caught instanceof DomainError, `expected DomainError ${kind}, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  if (field !== undefined) assert.equal(caught.field, field);
  for (const re of says) assert.match(caught.message, re);
  return caught;
}

class Boom extends Error {}

export function runInventoryStoreContract(label: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`InventoryStore contract: ${label}`, () => {
    let sut: StoreUnderTest | undefined;
    let s: InventoryStore;
    beforeEach(async () => {
      sut = await factory();
      s = sut.store;
    });
    afterEach(async () => {
      await sut?.cleanup();
      sut = undefined;
    });

    describe('generation', () => {
      it('moves on every change to nodes, groups and the site (also inside transactions), and not on events or reads', async () => {
        const moved = async (what: string, fn: () => Promise<unknown>, expectMove = true) => {
          const before = await s.generation();
          await fn();
          const after = await s.generation();
          if (expectMove) assert.ok(after > before, `${what}: generation should move (${before} -> ${after})`);
          else assert.equal(after, before, `${what}: generation should stay`);
        };
        await moved('node create', () => s.nodes.create({ name: 'g01', macs: ['aa:bb:cc:00:10:01'] }));
        await moved('node update', () => s.nodes.update('g01', { attrs: { x: 1 } }));
        await moved('group create', () => s.groups.create({ name: 'gg', attrs: { a: 'b' } }));
        await moved('group update', () => s.groups.update('gg', { attrs: { a: 'c' } }));
        await moved('site set', () => s.site.set({ domain: 'x' }));
        await moved('transaction', () => s.transaction(async (tx) => { await tx.nodes.create({ name: 'g02' }); }));
        await moved('group remove', () => s.groups.remove('gg'));
        await moved('node remove', () => s.nodes.remove('g02'));
        await moved('event append', () => s.events.append([{ actor: 't', node: 'g01', kind: 'k', details: {} }]), false);
        await moved('reads', async () => { await s.nodes.all(); await s.site.get(); }, false);
        await moved('rolled back transaction', () => s.transaction(async (tx) => { await tx.nodes.create({ name: 'g03' }); throw new Error('no'); }).catch(() => undefined), false);
      });
    });

    describe('nodes', () => {
      it('creates a node with normalised MACs, version 1 and attrs of every scalar type, and reads it back', async () => {
        const attrs = { os: 'rocky9', cores: 64, ratio: 1.5, zero: 0, empty: '', diskless: true, off: false, note: 'ünï 🚀' };
        const created = await s.nodes.create({
          name: 'n01', macs: ['AA:BB:CC:00:00:01', 'aa-bb-cc-00-00-02', 'aabb.cc00.0003'], groups: ['rack1', 'compute'], bmc: 'n01-bmc', attrs,
        });
        assert.deepEqual(created.macs, ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02', 'aa:bb:cc:00:00:03']);
        assert.deepEqual(created.groups, ['rack1', 'compute']);
        assert.equal(created.version, 1);
        assert.equal(created.bmc, 'n01-bmc');
        assert.ok(!Number.isNaN(Date.parse(created.createdAt)));
        assert.equal(created.updatedAt, created.createdAt);
        const got = await s.nodes.get('n01');
        assert.deepEqual(got, created);
        assert.deepEqual(got?.attrs, attrs);
        assert.equal(typeof got?.attrs.cores, 'number');
        assert.equal(typeof got?.attrs.diskless, 'boolean');
      });

      it('defaults: no MACs, no groups, no BMC, empty attrs; unknown names read as undefined', async () => {
        const n = await s.nodes.create({ name: 'bare' });
        assert.deepEqual([n.macs, n.groups, n.bmc, n.attrs], [[], [], null, {}]);
        assert.equal(await s.nodes.get('nope'), undefined);
      });

      it('refuses a duplicate name with conflict on field name', async () => {
        await s.nodes.create({ name: 'n01', macs: ['02:00:00:00:00:01'] });
        await rejectsDomain(s.nodes.create({ name: 'n01' }), 'conflict', 'name', /n01/);
      });

      it('refuses a MAC held by another node whatever its case or form, naming the MAC and the holder', async () => {
        await s.nodes.create({ name: 'n01', macs: ['02:00:00:00:00:aa'] });
        for (const mac of ['02:00:00:00:00:AA', '02-00-00-00-00-aa', '0200.0000.00aa', '0200000000AA']) {
          const e = await rejectsDomain(s.nodes.create({ name: 'n02', macs: ['02:00:00:00:00:bb', mac] }), 'conflict', 'macs',
            /02:00:00:00:00:aa/, /n01/);
          assert.deepEqual(e.details, { mac: '02:00:00:00:00:aa', node: 'n01' });
        }
        assert.equal(await s.nodes.get('n02'), undefined);
        assert.equal(await s.nodes.findByMac('02:00:00:00:00:bb'), undefined);
      });

      it('refuses malformed and repeated MACs and repeated groups as invalid', async () => {
        await rejectsDomain(s.nodes.create({ name: 'a', macs: ['02:00:00:00:00:01', 'zz:00:00:00:00:01'] }), 'invalid', 'macs[1]');
        await rejectsDomain(s.nodes.create({ name: 'a', macs: ['02:00:00:00:00'] }), 'invalid', 'macs[0]');
        await rejectsDomain(s.nodes.create({ name: 'a', macs: ['02:00:00:00:00:01', '02-00-00-00-00-01'] }), 'invalid', 'macs[1]');
        await rejectsDomain(s.nodes.create({ name: 'a', groups: ['x', 'x'] }), 'invalid', 'groups[1]');
        await rejectsDomain(s.nodes.create({ name: 'a', attrs: { bad: {} as unknown as string } }), 'invalid', 'attrs.bad');
        assert.equal(await s.nodes.get('a'), undefined);
      });

      it('finds a node by MAC in any case or form', async () => {
        await s.nodes.create({ name: 'n01', macs: ['02:00:00:00:00:01', '02:00:00:00:00:02'] });
        assert.equal((await s.nodes.findByMac('02:00:00:00:00:02'))?.name, 'n01');
        assert.equal((await s.nodes.findByMac('02-00-00-00-00-01'))?.name, 'n01');
        assert.equal(await s.nodes.findByMac('02:00:00:00:00:03'), undefined);
      });

      it('update replaces only the given fields and bumps the version every time', async () => {
        await s.nodes.create({ name: 'n01', macs: ['02:00:00:00:00:01'], groups: ['a'], bmc: 'b1', attrs: { x: 1 } });
        const u1 = await s.nodes.update('n01', { attrs: { y: 'two' } });
        assert.deepEqual([u1.version, u1.attrs, u1.macs, u1.groups, u1.bmc], [2, { y: 'two' }, ['02:00:00:00:00:01'], ['a'], 'b1']);
        const u2 = await s.nodes.update('n01', { groups: ['z', 'a', 'm'], bmc: null }, 2);
        assert.deepEqual([u2.version, u2.groups, u2.bmc, u2.attrs], [3, ['z', 'a', 'm'], null, { y: 'two' }]);
        const u3 = await s.nodes.update('n01', {});
        assert.equal(u3.version, 4);
        assert.ok(u3.updatedAt >= u3.createdAt);
        assert.equal(u3.createdAt, u1.createdAt);
        assert.deepEqual(await s.nodes.get('n01'), u3);
      });

      it('update of MACs frees the old ones, keeps its own, and refuses another node\'s', async () => {
        await s.nodes.create({ name: 'n01', macs: ['02:00:00:00:00:01', '02:00:00:00:00:02'] });
        await s.nodes.create({ name: 'n02', macs: ['02:00:00:00:00:09'] });
        const u = await s.nodes.update('n01', { macs: ['02:00:00:00:00:02', '02:00:00:00:00:03'] });
        assert.deepEqual(u.macs, ['02:00:00:00:00:02', '02:00:00:00:00:03']);
        assert.equal(await s.nodes.findByMac('02:00:00:00:00:01'), undefined);
        await s.nodes.update('n02', { macs: ['02:00:00:00:00:01'] }); // the freed MAC can move
        await rejectsDomain(s.nodes.update('n01', { macs: ['02:00:00:00:00:01'] }), 'conflict', 'macs', /02:00:00:00:00:01/, /n02/);
        const after = await s.nodes.get('n01');
        assert.deepEqual([after?.version, after?.macs], [2, ['02:00:00:00:00:02', '02:00:00:00:00:03']]);
      });

      it('update and remove with a stale version fail precondition-failed and change nothing', async () => {
        await s.nodes.create({ name: 'n01', attrs: { x: 1 } });
        await s.nodes.update('n01', { attrs: { x: 2 } }, 1);
        const e = await rejectsDomain(s.nodes.update('n01', { attrs: { x: 3 } }, 1), 'precondition-failed');
        assert.deepEqual(e.details, { expected: 1, actual: 2 });
        await rejectsDomain(s.nodes.remove('n01', 1), 'precondition-failed');
        const n = await s.nodes.get('n01');
        assert.deepEqual([n?.version, n?.attrs], [2, { x: 2 }]);
        await s.nodes.remove('n01', 2);
        assert.equal(await s.nodes.get('n01'), undefined);
      });

      it('update and remove of an unknown node fail not-found', async () => {
        await rejectsDomain(s.nodes.update('ghost', { attrs: {} }), 'not-found', undefined, /ghost/);
        await rejectsDomain(s.nodes.update('ghost', { attrs: {} }, 1), 'not-found');
        await rejectsDomain(s.nodes.remove('ghost'), 'not-found', undefined, /ghost/);
      });

      it('remove deletes the node with its MACs and groups, so the MAC can be reused', async () => {
        await s.nodes.create({ name: 'n01', macs: ['02:00:00:00:00:01'], groups: ['g'] });
        await s.nodes.remove('n01');
        assert.equal(await s.nodes.findByMac('02:00:00:00:00:01'), undefined);
        const again = await s.nodes.create({ name: 'n01', macs: ['02:00:00:00:00:01'] });
        assert.deepEqual([again.version, again.groups], [1, []]);
      });

      it('list pages through nodes sorted by name with a total', async () => {
        const names = Array.from({ length: 25 }, (_, i) => `node${String(i).padStart(2, '0')}`);
        for (const name of [...names].reverse()) await s.nodes.create({ name, macs: [`02:00:00:00:01:${(names.indexOf(name) + 16).toString(16)}`] });
        const p1 = await s.nodes.list({ offset: 0, limit: 10 });
        assert.deepEqual([p1.total, p1.offset, p1.limit], [25, 0, 10]);
        assert.deepEqual(p1.items.map((n) => n.name), names.slice(0, 10));
        assert.equal(p1.items[3]?.macs.length, 1);
        const p3 = await s.nodes.list({ offset: 20, limit: 10 });
        assert.deepEqual(p3.items.map((n) => n.name), names.slice(20));
        assert.equal((await s.nodes.list({ offset: 30, limit: 10 })).items.length, 0);
        const d = await s.nodes.list();
        assert.deepEqual([d.items.length, d.offset, d.total], [25, 0, 25]);
        await rejectsDomain(s.nodes.list({ limit: -1 }), 'invalid', 'limit');
        await rejectsDomain(s.nodes.list({ offset: 1.5 }), 'invalid', 'offset');
      });

      it('getMany returns the existing named nodes sorted by name, across more names than one chunk', async () => {
        await s.nodes.create({ name: 'b', groups: ['g1'] });
        await s.nodes.create({ name: 'a', macs: ['02:00:00:00:00:0a'] });
        await s.nodes.create({ name: 'c' });
        const asked = ['c', 'x', 'a', 'a', ...Array.from({ length: 1500 }, (_, i) => `missing${i}`)];
        const got = await s.nodes.getMany(asked);
        assert.deepEqual(got.map((n) => n.name), ['a', 'c']);
        assert.deepEqual(got[0]?.macs, ['02:00:00:00:00:0a']);
        assert.deepEqual(await s.nodes.getMany([]), []);
      });

      it('all returns every node with MACs and groups in their order', async () => {
        await s.nodes.create({ name: 'n2', macs: ['02:00:00:00:00:22', '02:00:00:00:00:21'], groups: ['b', 'a'] });
        await s.nodes.create({ name: 'n1', groups: ['c'], attrs: { k: 'v' } });
        const all = await s.nodes.all();
        assert.deepEqual(all.map((n) => [n.name, n.macs, n.groups]), [
          ['n1', [], ['c']],
          ['n2', ['02:00:00:00:00:22', '02:00:00:00:00:21'], ['b', 'a']],
        ]);
        assert.deepEqual(all[0]?.attrs, { k: 'v' });
      });
    });

    it('random create/update/remove sequences agree with a simple model (names, MAC ownership, versions)', async () => {
      type Op =
        | { op: 'create'; name: string; macs: string[] }
        | { op: 'update'; name: string; macs: string[]; version?: number }
        | { op: 'remove'; name: string; version?: number };
      const name = fc.constantFrom('a', 'b', 'c');
      // Few MACs in varying spellings, so that conflicts and case-insensitivity come up often.
      const mac = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.boolean()).map(([i, upper]) => (upper ? `0A:BC:00:00:00:0${i}` : `0abc.0000.000${i}`));
      const macs = fc.uniqueArray(mac, { maxLength: 2, selector: (m) => m.replace(/[^0-9a-f]/gi, '').toLowerCase() });
      const version = fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined });
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({ op: fc.constant('create' as const), name, macs }),
        fc.record({ op: fc.constant('update' as const), name, macs, version }, { requiredKeys: ['op', 'name', 'macs'] }),
        fc.record({ op: fc.constant('remove' as const), name, version }, { requiredKeys: ['op', 'name'] }),
      );
      const norm = (m: string) => m.replace(/[^0-9a-f]/gi, '').toLowerCase().match(/../g)!.join(':');
      await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const n of await s.nodes.all()) await s.nodes.remove(n.name);
        const model = new Map<string, { macs: string[]; version: number }>();
        for (const o of ops) {
          const cur = model.get(o.name);
          const wanted = 'macs' in o ? o.macs.map(norm) : [];
          const heldByOther = wanted.some((m) => [...model].some(([k, v]) => k !== o.name && v.macs.includes(m)));
          let expect: ErrorKind | 'ok';
          // Precedence: not-found, then stale version, then MAC conflict.
          if (o.op === 'create') expect = cur || heldByOther ? 'conflict' : 'ok';
          else if (!cur) expect = 'not-found';
          else if (o.version !== undefined && o.version !== cur.version) expect = 'precondition-failed';
          else expect = o.op === 'update' && heldByOther ? 'conflict' : 'ok';
          const call = o.op === 'create' ? s.nodes.create({ name: o.name, macs: o.macs })
            : o.op === 'update' ? s.nodes.update(o.name, { macs: o.macs }, o.version) : s.nodes.remove(o.name, o.version);
          const got = await call.then(() => 'ok' as const, (e: unknown) => (e instanceof DomainError ? e.kind : Promise.reject(e)));
          assert.equal(got, expect, JSON.stringify(o));
          if (got === 'ok') {
            if (o.op === 'create') model.set(o.name, { macs: wanted, version: 1 });
            else if (o.op === 'update') model.set(o.name, { macs: wanted, version: cur!.version + 1 });
            else model.delete(o.name);
          }
          const stored = (await s.nodes.all()).map((n) => [n.name, n.macs, n.version]);
          assert.deepEqual(stored, [...model].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.macs, v.version]));
        }
      }), { numRuns: 15, seed: 20261123 });
    });

    it('close() may be called twice', async () => {
      await s.close();
      await s.close();
    });

    describe('groups', () => {
      it('creates, reads, lists, updates with versions and removes groups', async () => {
        const g = await s.groups.create({ name: 'compute', attrs: { os: 'rocky9', nics: 2, pxe: true } });
        assert.deepEqual([g.version, g.attrs], [1, { os: 'rocky9', nics: 2, pxe: true }]);
        assert.deepEqual(await s.groups.get('compute'), g);
        await s.groups.create({ name: 'all' });
        assert.deepEqual((await s.groups.all()).map((x) => x.name), ['all', 'compute']);
        const page = await s.groups.list({ offset: 1, limit: 1 });
        assert.deepEqual([page.total, page.items.map((x) => x.name)], [2, ['compute']]);
        const u = await s.groups.update('compute', { attrs: { os: 'alma9' } }, 1);
        assert.deepEqual([u.version, u.attrs, u.createdAt], [2, { os: 'alma9' }, g.createdAt]);
        await rejectsDomain(s.groups.update('compute', { attrs: {} }, 1), 'precondition-failed');
        await rejectsDomain(s.groups.remove('compute', 1), 'precondition-failed');
        await s.groups.remove('compute', 2);
        assert.equal(await s.groups.get('compute'), undefined);
      });

      it('duplicate group is a conflict, unknown one not-found', async () => {
        await s.groups.create({ name: 'g' });
        await rejectsDomain(s.groups.create({ name: 'g' }), 'conflict', 'name', /g/);
        await rejectsDomain(s.groups.update('nope', {}), 'not-found');
        await rejectsDomain(s.groups.remove('nope'), 'not-found');
      });

      it('membership is implicit: nodes may name groups with no row, and removing a row keeps membership', async () => {
        await s.groups.create({ name: 'rack1', attrs: { room: 'a' } });
        await s.nodes.create({ name: 'n1', groups: ['rack1', 'norow'] });
        await s.groups.remove('rack1');
        assert.deepEqual((await s.nodes.get('n1'))?.groups, ['rack1', 'norow']);
      });
    });

    describe('site', () => {
      it('starts empty at version 0; set replaces attrs and bumps the version; stale set fails', async () => {
        const s0 = await s.site.get();
        assert.deepEqual([s0.attrs, s0.version], [{}, 0]);
        const s1 = await s.site.set({ domain: 'cluster.local', master: '10.0.0.1', dhcpLeaseSecs: 3600, ipv6: false }, 0);
        assert.deepEqual([s1.version, s1.attrs.dhcpLeaseSecs, s1.attrs.ipv6], [1, 3600, false]);
        const s2 = await s.site.set({ domain: 'x' });
        assert.deepEqual([s2.version, s2.attrs], [2, { domain: 'x' }]);
        await rejectsDomain(s.site.set({ domain: 'y' }, 1), 'precondition-failed');
        assert.deepEqual(await s.site.get(), s2);
      });
    });

    describe('events', () => {
      it('appends with increasing ids and reads oldest first with details intact', async () => {
        assert.deepEqual(await s.events.append([]), []);
        const a = await s.events.append([
          { actor: 'api', node: 'n1', kind: 'node.created', details: { macs: ['02:00:00:00:00:01'], n: 1, ok: true } },
          { actor: 'dhcp', node: null, kind: 'dhcp.unknown-mac', details: {} },
        ]);
        const b = await s.events.append([{ actor: 'api', node: 'n2', kind: 'node.created', details: { nested: { a: [1, 'x'] } } }]);
        const ids = [...a, ...b].map((e) => e.id);
        assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!, `ids ${ids}`);
        assert.equal(a[1]?.node, null);
        assert.ok(!Number.isNaN(Date.parse(a[0]!.time)));
        assert.deepEqual(await s.events.query(), [...a, ...b]);
      });

      it('filters by nodes, kinds, afterId, since and limit', async () => {
        const ev = await s.events.append([
          { actor: 'a', node: 'n1', kind: 'power.on', details: {}, time: '2026-01-01T00:00:00.000Z' },
          { actor: 'a', node: 'n2', kind: 'power.on', details: {}, time: '2026-01-02T00:00:00.000Z' },
          { actor: 'a', node: 'n1', kind: 'boot.pxe', details: {}, time: '2026-01-03T00:00:00Z' },
          { actor: 'a', node: null, kind: 'boot.pxe', details: {}, time: '2026-01-04T00:00:00.000Z' },
        ]);
        const ids = (q: Parameters<InventoryStore['events']['query']>[0]) => s.events.query(q).then((r) => r.map((e) => ev.indexOf(ev.find((x) => x.id === e.id)!)));
        assert.deepEqual(await ids({ nodes: ['n1'] }), [0, 2]);
        assert.deepEqual(await ids({ nodes: ['n1', 'n2'], kinds: ['power.on'] }), [0, 1]);
        assert.deepEqual(await ids({ kinds: ['boot.pxe'] }), [2, 3]);
        assert.deepEqual(await ids({ afterId: ev[1]!.id }), [2, 3]);
        assert.deepEqual(await ids({ since: '2026-01-02T00:00:00Z' }), [1, 2, 3]);
        assert.deepEqual(await ids({ limit: 2 }), [0, 1]);
        assert.deepEqual(await ids({ afterId: ev[0]!.id, limit: 1 }), [1]);
        assert.deepEqual(await ids({ nodes: [] }), []);
        assert.equal(ev[2]?.time, '2026-01-03T00:00:00.000Z');
        await rejectsDomain(s.events.query({ since: 'yesterday' }), 'invalid', 'since');
      });

      it('record() writes what append() would, in order, without returning it (times made canonical)', async () => {
        assert.ok(s.events.record, 'the SQL event log offers record()');
        await s.events.record([
          { actor: 'dhcp', node: 'n1', kind: 'dhcp.ack', details: { ip: '10.0.0.7' }, time: '2026-01-01T00:00:00.000Z' },
          { actor: 'tftp', node: null, kind: 'tftp.transfer', details: { bytes: 1 }, time: '2026-01-02T00:00:00Z' },
          { actor: 'http', node: 'n1', kind: 'http.boot-script', details: {} },
        ]);
        const got = await s.events.query();
        assert.deepEqual(got.map((e) => [e.actor, e.node, e.kind, e.details]), [
          ['dhcp', 'n1', 'dhcp.ack', { ip: '10.0.0.7' }], ['tftp', null, 'tftp.transfer', { bytes: 1 }], ['http', 'n1', 'http.boot-script', {}],
        ]);
        assert.deepEqual(got.slice(0, 2).map((e) => e.time), ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
        assert.ok(got[0]!.id < got[1]!.id && got[1]!.id < got[2]!.id);
        await assert.rejects(s.events.record([{ actor: 'a', node: null, kind: 'k', details: {}, time: 'yesterday' }]));
      });

      it('record() of batches across its 200-row inserts keeps every event, in order, nulls and repeated times included', async () => {
        const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({
          actor: 'dhcp', node: (from + i) % 3 === 0 ? null : `n${from + i}`, kind: 'dhcp.ack', details: { i: from + i }, time: '2026-01-01T00:00:00.000Z',
        }));
        await s.events.record!(batch(0, 450)); // 200 + 200 + 50
        await s.events.record!(batch(450, 201)); // the compiled inserts again, and a new size
        const got = await s.events.query({ limit: 1000 });
        assert.equal(got.length, 651);
        assert.deepEqual(got.map((e) => e.details.i), Array.from({ length: 651 }, (_, i) => i));
        assert.deepEqual(got.slice(0, 4).map((e) => e.node), [null, 'n1', 'n2', null]);
        assert.ok(got.every((e) => e.time === '2026-01-01T00:00:00.000Z'));
      });

      it('history outlives the node it is about', async () => {
        await s.nodes.create({ name: 'n1' });
        await s.events.append([{ actor: 'a', node: 'n1', kind: 'x', details: {} }]);
        await s.nodes.remove('n1');
        assert.equal((await s.events.query({ nodes: ['n1'] })).length, 1);
      });
    });

    describe('transactions', () => {
      it('commits everything the callback wrote and returns its value', async () => {
        const v = await s.transaction(async (tx) => {
          await tx.nodes.create({ name: 'n1', macs: ['02:00:00:00:00:01'] });
          await tx.groups.create({ name: 'g' });
          await tx.events.append([{ actor: 't', node: 'n1', kind: 'node.created', details: {} }]);
          assert.equal((await tx.nodes.get('n1'))?.name, 'n1'); // reads its own writes
          return 42;
        });
        assert.equal(v, 42);
        assert.equal((await s.nodes.findByMac('02:00:00:00:00:01'))?.name, 'n1');
        assert.equal((await s.events.query()).length, 1);
      });

      it('a throw rolls back every write and rethrows the same error', async () => {
        const boom = new Boom('boom');
        await assert.rejects(s.transaction(async (tx) => {
          await tx.nodes.create({ name: 'n1', macs: ['02:00:00:00:00:01'], groups: ['g'] });
          await tx.site.set({ a: 1 });
          await tx.events.append([{ actor: 't', node: 'n1', kind: 'k', details: {} }]);
          throw boom;
        }), (e) => e === boom);
        assert.equal(await s.nodes.get('n1'), undefined);
        assert.equal(await s.nodes.findByMac('02:00:00:00:00:01'), undefined);
        assert.equal((await s.site.get()).version, 0);
        assert.deepEqual(await s.events.query(), []);
      });

      it('a bulk create whose third node conflicts creates none', async () => {
        await s.nodes.create({ name: 'old', macs: ['02:00:00:00:00:99'] });
        const batch = [
          { name: 'n1', macs: ['02:00:00:00:00:01'] },
          { name: 'n2', macs: ['02:00:00:00:00:02'] },
          { name: 'n3', macs: ['02:00:00:00:00:99'] },
          { name: 'n4', macs: ['02:00:00:00:00:04'] },
        ];
        await rejectsDomain(s.transaction(async (tx) => { for (const n of batch) await tx.nodes.create(n); }), 'conflict', 'macs', /old/);
        assert.deepEqual((await s.nodes.all()).map((n) => n.name), ['old']);
      });

      it('concurrent transactions keep their own outcome: failing ones leave nothing, the others commit', async () => {
        const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => s.transaction(async (tx) => {
          await tx.nodes.create({ name: `c${i}`, macs: [`02:00:00:00:0c:0${i}`] });
          await new Promise((r) => setTimeout(r, 5)); // yield so that others could interleave
          await tx.events.append([{ actor: 't', node: `c${i}`, kind: 'k', details: { i } }]);
          if (i % 2 === 1) throw new Boom(`odd ${i}`);
        })));
        assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
        assert.deepEqual((await s.nodes.all()).map((n) => n.name), ['c0', 'c2', 'c4', 'c6']);
        assert.deepEqual((await s.events.query()).map((e) => e.details.i).sort(), [0, 2, 4, 6]);
      });

      it('using the outer store inside a transaction throws instead of deadlocking or escaping it', async () => {
        await assert.rejects(s.transaction(async () => { await s.nodes.get('x'); }), /inside store\.transaction/);
        await assert.rejects(s.transaction(async () => s.transaction(async () => 1)), /inside a transaction/);
        assert.deepEqual(await s.nodes.all(), []); // and the store still works
      });

      it('a timer set inside a transaction may use the store once the transaction is over', async () => {
        let later: Promise<unknown> | undefined;
        await s.transaction(async (tx) => {
          await tx.nodes.create({ name: 'n1' });
          later = new Promise((resolve, reject) => setTimeout(() => s.nodes.get('n1').then(resolve, reject), 20));
        });
        assert.equal(((await later) as { name?: string } | undefined)?.name, 'n1');
      });
    });
  });
}

/**
 * all() and getMany() must cost a fixed number of queries, not one per node. `open` receives a callback to call
 * with every SQL statement the store runs.
 */
export function runQueryCountContract(label: string, open: (onQuery: (sql: string) => void) => Promise<StoreUnderTest>): void {
  it(`${label}: all() and getMany() use a fixed number of queries whatever the node count`, async () => {
    let count = 0;
    const sut = await open(() => { count++; });
    try {
      const counts: number[][] = [];
      for (const total of [5, 60]) {
        await sut.store.transaction(async (tx) => {
          const have = (await tx.nodes.all()).length;
          for (let i = have; i < total; i++) {
            await tx.nodes.create({ name: `n${i}`, macs: [`02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`], groups: ['a', 'b'] });
          }
        });
        count = 0;
        assert.equal((await sut.store.nodes.all()).length, total);
        const forAll = count;
        count = 0;
        assert.equal((await sut.store.nodes.getMany(Array.from({ length: total }, (_, i) => `n${i}`))).length, total);
        counts.push([forAll, count]);
      }
      assert.deepEqual(counts[0], counts[1], `queries for 5 vs 60 nodes: ${JSON.stringify(counts)}`);
      assert.deepEqual(counts[0], [1, 1], `one query each: ${JSON.stringify(counts)}`);
    } finally {
      await sut.cleanup();
    }
  });
}
