// SqlLeaseStore's group commit on a real SQLite file: concurrent binds share a transaction yet each gets its own
// outcome, and nothing is acknowledged before it is committed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { DomainError } from '../../domain/errors.ts';
import { migrateToLatest } from './migrate.ts';
import type { InventorySchema } from './schema.ts';
import { openSqliteDatabase } from '../sqlite/sqlite-store.ts';
import { SqlLeaseStore } from './lease-store-sql.ts';

const dir = mkdtempSync(join(tmpdir(), 's0t-leases-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const NET = '10.70.0.0/16';
const T0 = Date.UTC(2026, 0, 1);
const mac = (i: number) => `02:70:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
const ip = (i: number) => `10.70.${i >> 8}.${i & 255}`;

describe('SqlLeaseStore group commit of OFFERs and binds', () => {
  it('200 concurrent binds: each resolved with its lease, all committed, statements counted per batch', async () => {
    // Every statement better-sqlite3 prepares, begin and commit included (kysely's own log does not show those).
    const statements: string[] = [];
    const file = new Database(join(dir, 'a.db'));
    file.pragma('journal_mode = WAL');
    const counting = { close: () => file.close(), prepare: (sql: string) => (statements.push(sql), file.prepare(sql)) };
    const db = new Kysely<InventorySchema>({ dialect: new SqliteDialect({ database: counting }) });
    await migrateToLatest(db, 'sqlite');
    try {
      const store = new SqlLeaseStore(db);
      statements.length = 0;
      const got = await Promise.all(Array.from({ length: 200 }, (_, i) => store.bind({ ip: ip(i + 1), mac: mac(i), subnet: NET, expiresAt: T0 + 3_600_000 }, T0)));
      assert.deepEqual(got.map((l) => [l.ip, l.mac, l.state]), Array.from({ length: 200 }, (_, i) => [ip(i + 1), mac(i), 'bound']));
      assert.equal((await store.list({ subnet: NET })).length, 200);
      const commits = statements.filter((s) => /^commit/i.test(s)).length;
      const takes = statements.filter((s) => /^insert into "leases"/i.test(s)).length;
      assert.equal(takes, 200);
      assert.ok(commits >= 1 && commits < 20, `${commits} commits for 200 binds`);
    } finally {
      await db.destroy();
    }
  });

  it('a conflict fails only its own bind; the batch around it commits', async () => {
    const db = await openSqliteDatabase(join(dir, 'b.db'));
    try {
      const store = new SqlLeaseStore(db);
      await store.bind({ ip: ip(5), mac: mac(5), subnet: NET, expiresAt: T0 + 3_600_000 }, T0);
      const outcomes = await Promise.allSettled([
        store.bind({ ip: ip(1), mac: mac(1), subnet: NET, expiresAt: T0 + 3_600_000 }, T0),
        store.bind({ ip: ip(5), mac: mac(9), subnet: NET, expiresAt: T0 + 3_600_000 }, T0), // held by mac(5)
        store.bind({ ip: ip(2), mac: mac(2), subnet: NET, expiresAt: T0 + 3_600_000 }, T0),
        store.bind({ ip: ip(2), mac: mac(3), subnet: NET, expiresAt: T0 + 3_600_000 }, T0), // mac(2) took it just before
      ]);
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof DomainError && o.reason.kind === 'conflict');
      assert.deepEqual((await store.list({ subnet: NET })).map((l) => [l.ip, l.mac]), [[ip(1), mac(1)], [ip(2), mac(2)], [ip(5), mac(5)]]);
    } finally {
      await db.destroy();
    }
  });

  it('OFFERs and binds of one turn share a transaction in arrival order: an offer then a bind of the same address by another MAC conflicts', async () => {
    const db = await openSqliteDatabase(join(dir, 'c.db'));
    try {
      const store = new SqlLeaseStore(db);
      const outcomes = await Promise.allSettled([
        store.offer({ ip: ip(1), mac: mac(1), subnet: NET, expiresAt: T0 + 10_000 }, T0),
        store.bind({ ip: ip(1), mac: mac(2), subnet: NET, expiresAt: T0 + 3_600_000 }, T0), // held by mac(1)'s OFFER
        store.offer({ ip: ip(3), mac: mac(3), subnet: NET, expiresAt: T0 + 10_000 }, T0),
        store.bind({ ip: ip(3), mac: mac(3), subnet: NET, expiresAt: T0 + 3_600_000 }, T0), // its own offer: fine
      ]);
      assert.deepEqual(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.state : 'conflict')), ['offered', 'conflict', 'offered', 'bound']);
      assert.deepEqual((await store.list({ subnet: NET })).map((l) => [l.ip, l.mac, l.state]), [[ip(1), mac(1), 'offered'], [ip(3), mac(3), 'bound']]);
    } finally {
      await db.destroy();
    }
  });

  it('a bind resolves only after its transaction committed: a second handle on the file sees it at once', async () => {
    const a = await openSqliteDatabase(join(dir, 'c.db'));
    const b = await openSqliteDatabase(join(dir, 'c.db'));
    try {
      const lease = await new SqlLeaseStore(a).bind({ ip: ip(7), mac: mac(7), subnet: NET, expiresAt: T0 + 3_600_000 }, T0);
      assert.deepEqual(await new SqlLeaseStore(b).getByIp(ip(7)), lease);
    } finally {
      await a.destroy();
      await b.destroy();
    }
  });
});
