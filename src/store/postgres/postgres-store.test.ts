// Runs the store contracts on a real PostgreSQL 15 server started for this file (emptied database per test).
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '../../../test/support/postgres.ts';
import { runInventoryStoreContract, runQueryCountContract, type StoreUnderTest } from '../../../test/support/store-contract.ts';
import { DomainError } from '../../domain/errors.ts';
import { mapConstraintError } from '../kysely/constraint-error.ts';
import { runLeaseStoreContract } from '../../boot/dhcp/lease-store-contract.ts';
import { runProvisioningStoreContract } from '../../../test/support/provisioning-store-contract.ts';
import type { InventoryStore } from '../inventory-store.ts';
import { openStore, openStores } from '../open-store.ts';
import { inventoryMigrations } from '../migrations/index.ts';
import { openPostgresStore, type PostgresStoreOptions } from './postgres-store.ts';

describe('PostgreSQL store', () => {
  let server: PostgresServer | undefined;
  let admin: pg.Client | undefined;
  let work: pg.Client | undefined;
  let seq = 0;
  before(async () => {
    server = await startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    // Migrated once into a template; most tests start from a copy (cheap) instead of migrating again.
    await admin.query('create database migrated');
    await (await openPostgresStore(urlOf('migrated'))).close();
    await admin.query('create database work template migrated');
    work = new pg.Client({ connectionString: urlOf('work') });
    await work.connect();
  });
  let serverDir = '';
  after(async () => {
    await work?.end();
    await admin?.end();
    await server?.stop();
    // stop() must leave nothing behind: no directory, nobody listening on the port.
    if (serverDir) assert.equal(existsSync(serverDir), false, `${serverDir} was not removed`);
    if (server) await assert.rejects(connectOnce(server.url), /ECONNREFUSED/);
  });

  const urlOf = (database: string) => server!.url.replace(/\/postgres$/, `/${database}`);

  /** A new database, empty or (by default) a copy of the migrated template, and its URL. */
  async function freshDatabase(from: 'migrated' | 'empty' = 'migrated'): Promise<{ url: string; drop(): Promise<void> }> {
    const name = `t${process.pid}_${++seq}`;
    await admin!.query(`create database ${name}${from === 'migrated' ? ' template migrated' : ''}`);
    return { url: urlOf(name), drop: async () => { await admin!.query(`drop database ${name} with (force)`); } };
  }

  /**
   * The shared migrated database `work`, emptied back to its just-migrated state: much cheaper than a new database
   * per test (tests in a file run one at a time). The store is still opened, and so migrated, anew each time.
   */
  async function emptiedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
    await work!.query('truncate nodes, node_macs, node_groups, groups, events, leases, boot_states, install_tokens, profiles restart identity');
    await work!.query(`update site set attrs = '{}', version = 0`);
    return { url: urlOf('work'), drop: async () => {} };
  }

  async function open(opts: PostgresStoreOptions = {}): Promise<StoreUnderTest & { url: string }> {
    const db = await emptiedDatabase();
    const store = await openPostgresStore(db.url, opts);
    return { store, url: db.url, cleanup: async () => { await store.close(); await db.drop(); } };
  }

  it('the test server is PostgreSQL 15, on 127.0.0.1 only, with its socket and files in a postgres-owned temp dir', async () => {
    const show = async (q: string) => String(Object.values((await admin!.query(q)).rows[0] ?? {})[0]);
    assert.match(await show('show server_version'), /^15\./);
    assert.equal(await show('show listen_addresses'), '127.0.0.1');
    const data = await show('show data_directory');
    serverDir = dirname(data);
    assert.equal(await show('show unix_socket_directories'), serverDir);
    if (process.getuid?.() === 0) assert.notEqual(statSync(data).uid, 0, 'the server must not run as root');
  });

  runInventoryStoreContract('postgresql 15', () => open());
  runLeaseStoreContract('postgresql 15 (kysely)', async () => {
    const db = await emptiedDatabase();
    const first = await openStores({ kind: 'postgres', url: db.url });
    const opened: InventoryStore[] = [first.inventory];
    return {
      store: first.leases,
      reopen: async () => {
        const again = await openStores({ kind: 'postgres', url: db.url });
        opened.push(again.inventory);
        return again.leases;
      },
      cleanup: async () => {
        for (const s of opened) await s.close();
        await db.drop();
      },
    };
  });

  runQueryCountContract('postgresql', (onQuery) => open({ onQuery }));

  runProvisioningStoreContract('postgresql 15', async () => {
    const db = await emptiedDatabase();
    const o = await openStores({ kind: 'postgres', url: db.url });
    return { inventory: o.inventory, provisioning: o.provisioning, cleanup: async () => { await o.inventory.close(); await db.drop(); } };
  });

  it('keeps data across close and reopen, and two stores opening at once migrate once', async () => {
    const db = await freshDatabase('empty');
    try {
      const [a, b] = await Promise.all([openStore({ kind: 'postgres', url: db.url }), openStore({ kind: 'postgres', url: db.url })]);
      await a.nodes.create({ name: 'n1', macs: ['02:00:00:00:00:01'] });
      assert.equal((await b.nodes.findByMac('02:00:00:00:00:01'))?.name, 'n1');
      await Promise.all([a.close(), b.close()]);
      const c = await openStore({ kind: 'postgres', url: db.url });
      try {
        assert.deepEqual((await c.nodes.all()).map((n) => n.name), ['n1']);
      } finally {
        await c.close();
      }
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query('select name from kysely_migration order by name').finally(() => client.end());
      assert.deepEqual(rows, Object.keys(inventoryMigrations('postgres')).sort().map((name) => ({ name })));
    } finally {
      await db.drop();
    }
  });

  it('two stores racing for one MAC: exactly one wins, the other gets a conflict naming the winner', async () => {
    const db = await freshDatabase();
    const [a, b] = await Promise.all([openStore({ kind: 'postgres', url: db.url }), openStore({ kind: 'postgres', url: db.url })]);
    try {
      for (let round = 0; round < 5; round++) {
        const mac = `02:00:00:00:0${round}:01`;
        const results = await Promise.allSettled([
          a.nodes.create({ name: `a${round}`, macs: [mac] }),
          b.nodes.create({ name: `b${round}`, macs: [mac] }),
        ]);
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(ok.length, 1, JSON.stringify(results));
        assert.equal(failed[0]?.reason?.kind, 'conflict', String(failed[0]?.reason));
        const winner = (await a.nodes.findByMac(mac))?.name;
        assert.match(String(failed[0]?.reason?.message), new RegExp(`${mac}.*${winner}`));
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
      await db.drop();
    }
  });

  it('maps a real unique violation (23505) from the server to conflict on the right field', async () => {
    const sut = await open();
    await sut.store.nodes.create({ name: 'n1', macs: ['02:00:00:00:00:01'] });
    const client = new pg.Client({ connectionString: sut.url });
    try {
      await client.connect();
      const err = await client.query(`insert into node_macs (mac, node) values ('02:00:00:00:00:01', 'n1')`).then(() => undefined, (e: unknown) => e);
      const mapped = mapConstraintError(err);
      assert.ok(mapped instanceof DomainError, String(err));
      assert.deepEqual([mapped.kind, mapped.field], ['conflict', 'macs']);
      assert.match(mapped.message, /02:00:00:00:00:01/);
    } finally {
      await client.end();
      await sut.cleanup();
    }
  });
});

async function connectOnce(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => {});
  }
}
