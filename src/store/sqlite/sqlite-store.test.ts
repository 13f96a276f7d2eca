// Runs the store contract on a real SQLite file, plus what only SQLite has: WAL, reopen, one serialised connection.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runInventoryStoreContract, runQueryCountContract } from '../../../test/support/store-contract.ts';
import { runLeaseStoreContract } from '../../boot/dhcp/lease-store-contract.ts';
import { runProvisioningStoreContract } from '../../../test/support/provisioning-store-contract.ts';
import type { InventoryStore } from '../inventory-store.ts';
import { openStore, openStores } from '../open-store.ts';
import { inventoryMigrations } from '../migrations/index.ts';
import { openSqliteStore } from './sqlite-store.ts';

describe('SQLite store', () => {
  let dir = '';
  let seq = 0;
  const nextFile = () => join(dir, `inv-${++seq}.db`);
  before(async () => { dir = await mkdtemp(join(tmpdir(), 's0-sqlite-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  runInventoryStoreContract('sqlite file', async () => {
    const store = await openSqliteStore(nextFile());
    return { store, cleanup: () => store.close() };
  });

  // store.exclusive: the same contracts with the file's lock held for the store's lifetime.
  runInventoryStoreContract('sqlite file, exclusive', async () => {
    const store = await openSqliteStore(nextFile(), { exclusive: true });
    return { store, cleanup: () => store.close() };
  });
  runLeaseStoreContract('sqlite file, exclusive', async () => {
    const stores = await openStores({ kind: 'sqlite', path: nextFile(), exclusive: true });
    return { store: stores.leases, cleanup: () => stores.inventory.close() };
  });

  it('exclusive: no other connection can read the file while the store is open, and a second store is refused by name; closing frees it', async () => {
    const path = nextFile();
    const store = await openSqliteStore(path, { exclusive: true });
    await store.nodes.create({ name: 'n1', macs: [], groups: [], bmc: null, attrs: {} });
    const other = new Database(path, { timeout: 50 });
    assert.throws(() => other.prepare('select count(*) as n from nodes').get(), /database is locked/);
    other.close();
    await assert.rejects(openSqliteStore(path, { exclusive: true, busyTimeoutMs: 50 }), /another process has the database open; store\.exclusive needs it alone/);
    await assert.rejects(openSqliteStore(path, { busyTimeoutMs: 50 }), /the database is locked by another process \(a stage0 with store\.exclusive\?\)/);
    await store.close();
    const after = new Database(path, { readonly: true });
    assert.deepEqual(after.prepare('select count(*) as n from nodes').get(), { n: 1 }, 'what the exclusive store wrote is in the file');
    after.close();
  });

  it('without exclusive another connection reads while the store is open (WAL: the CLI, backups)', async () => {
    const path = nextFile();
    const store = await openSqliteStore(path);
    await store.nodes.create({ name: 'n1', macs: [], groups: [], bmc: null, attrs: {} });
    const other = new Database(path, { readonly: true, timeout: 50 });
    assert.deepEqual(other.prepare('select count(*) as n from nodes').get(), { n: 1 });
    other.close();
    await store.close();
  });

  runLeaseStoreContract('sqlite file (leases in memory, the table as journal)', async () => {
    const path = nextFile();
    const first = await openStores({ kind: 'sqlite', path });
    const opened: InventoryStore[] = [first.inventory];
    return {
      store: first.leases,
      reopen: async () => {
        const again = await openStores({ kind: 'sqlite', path });
        opened.push(again.inventory);
        return again.leases;
      },
      cleanup: async () => { for (const s of opened) await s.close(); },
    };
  });

  runProvisioningStoreContract('sqlite file', async () => {
    const o = await openStores({ kind: 'sqlite', path: nextFile() });
    return { inventory: o.inventory, provisioning: o.provisioning, cleanup: () => o.inventory.close() };
  });

  runQueryCountContract('sqlite', async (onQuery) => {
    const store = await openSqliteStore(nextFile(), { onQuery });
    return { store, cleanup: () => store.close() };
  });

  it('keeps data across close and reopen (migrations run once)', async () => {
    const file = nextFile();
    const s1 = await openStore({ kind: 'sqlite', path: file });
    await s1.nodes.create({ name: 'n1', macs: ['02:00:00:00:00:01'], groups: ['g'], attrs: { a: true } });
    await s1.site.set({ domain: 'x' });
    await s1.events.append([{ actor: 't', node: 'n1', kind: 'k', details: { v: 1 } }]);
    await s1.close();
    const s2 = await openStore({ kind: 'sqlite', path: file });
    try {
      const n = await s2.nodes.get('n1');
      assert.deepEqual([n?.macs, n?.groups, n?.attrs], [['02:00:00:00:00:01'], ['g'], { a: true }]);
      assert.deepEqual((await s2.site.get()).attrs, { domain: 'x' });
      assert.deepEqual((await s2.events.query()).map((e) => e.details), [{ v: 1 }]);
    } finally {
      await s2.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      const names = raw.prepare('select name from kysely_migration order by name').all();
      assert.deepEqual(names, Object.keys(inventoryMigrations('sqlite')).sort().map((name) => ({ name })));
    } finally {
      raw.close();
    }
  });

  it('puts the file in WAL mode, so another connection reads while a write transaction is open', async () => {
    const file = nextFile();
    const store = await openSqliteStore(file);
    const other = new Database(file);
    try {
      assert.equal(other.pragma('journal_mode', { simple: true }), 'wal');
      await store.nodes.create({ name: 'committed' });
      await store.transaction(async (tx) => {
        await tx.nodes.create({ name: 'pending' });
        // In rollback-journal mode this read would fail with SQLITE_BUSY or block; in WAL it sees the last commit.
        assert.deepEqual(other.prepare('select name from nodes order by name').all(), [{ name: 'committed' }]);
      });
    } finally {
      other.close();
      await store.close();
    }
  });

  it('runs concurrent async transactions one after another on the single connection', async () => {
    const store = await openSqliteStore(nextFile());
    try {
      const order: string[] = [];
      // Each does read-modify-write with a version check and yields to the event loop in between: any interleaving
      // would make a later set() see a stale version (or, without the mutex, nest BEGIN inside BEGIN).
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.transaction(async (tx) => {
        order.push(`begin ${i}`);
        const site = await tx.site.get();
        await new Promise((r) => setTimeout(r, 2));
        await tx.site.set({ counter: Number(site.attrs.counter ?? 0) + 1 }, site.version);
        order.push(`end ${i}`);
      })));
      const site = await store.site.get();
      assert.deepEqual([site.attrs.counter, site.version], [10, 10]);
      for (let i = 0; i < order.length; i += 2) assert.equal(order[i]!.split(' ')[1], order[i + 1]!.split(' ')[1], order.join(','));
    } finally {
      await store.close();
    }
  });
});
