// Runs the AuthStore contract on a real SQLite file and a real PostgreSQL 15 server (migration 006 on both).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { runAuthStoreContract } from '../../auth/auth-store-contract.ts';
import { startPostgres, type PostgresServer } from '../../../test/support/postgres.ts';
import { openStores } from '../open-store.ts';

describe('AuthStore on SQLite', () => {
  let dir = '';
  let seq = 0;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 's0-auth-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });
  runAuthStoreContract('sqlite file', async () => {
    const path = join(dir, `auth-${++seq}.db`);
    const opened = await openStores({ kind: 'sqlite', path });
    return {
      store: opened.auth,
      exec: async (sql) => {
        const raw = new Database(path);
        try { raw.exec(sql); } finally { raw.close(); }
      },
      cleanup: () => opened.inventory.close(),
    };
  });
});

describe('AuthStore on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  let admin: pg.Client | undefined;
  let seq = 0;
  before(async () => {
    server = await startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
  });
  after(async () => {
    await admin?.end();
    await server?.stop();
  });
  runAuthStoreContract('postgresql 15', async () => {
    const name = `auth${process.pid}_${++seq}`;
    await admin!.query(`create database ${name}`);
    const url = server!.url.replace(/\/postgres$/, `/${name}`);
    const opened = await openStores({ kind: 'postgres', url });
    return {
      store: opened.auth,
      exec: async (sql) => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try { await c.query(sql); } finally { await c.end(); }
      },
      cleanup: async () => {
        await opened.inventory.close();
        await admin!.query(`drop database ${name} with (force)`);
      },
    };
  });
});
