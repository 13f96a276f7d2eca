// JournaledLeaseStore over SqlLeaseJournal on real SQLite files: nothing resolves before it is committed, a storm's
// changes share commits, a failed commit takes its changes back and fails their calls, a restart finds every row.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { JournaledLeaseStore, type LeaseJournal } from '../../boot/dhcp/journaled-lease-store.ts';
import { runLeaseStoreContract } from '../../boot/dhcp/lease-store-contract.ts';
import type { Lease } from '../../boot/dhcp/lease-store.ts';
import { openSqliteDatabase } from '../sqlite/sqlite-store.ts';
import { SqlLeaseJournal } from './lease-journal-sql.ts';
import { migrateToLatest } from './migrate.ts';
import type { InventorySchema } from './schema.ts';

const dir = mkdtempSync(join(tmpdir(), 's0t-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const nextFile = () => join(dir, `j-${++seq}.db`);
const NET = '10.71.0.0/16';
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const mac = (i: number) => `02:71:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
const ip = (i: number) => `10.71.${i >> 8}.${i & 255}`;
const claim = (i: number, m = i, expiresAt = T0 + HOUR) => ({ ip: ip(i), mac: mac(m), subnet: NET, expiresAt });
/**
 * The leases as another connection sees them, what a restart would find: the table overlaid with the log's last
 * change of each address (state null: gone). Plain SQL, apart from the journal's own fold.
 */
const onDisk = (file: string) => {
  const other = new Database(file, { readonly: true });
  try {
    return other.prepare(`select ip, mac, state from (
        select ip, mac, state from leases where ip not in (select ip from lease_log)
        union all
        select ip, mac, state from lease_log l where seq = (select max(seq) from lease_log m where m.ip = l.ip) and state is not null
      ) order by ip`).all() as Array<{ ip: string; mac: string; state: string }>;
  } finally {
    other.close();
  }
};
/** A fresh migrated SQLite file for one test, closed after it. */
async function withDb(fn: (db: Kysely<InventorySchema>, file: string) => Promise<void>): Promise<void> {
  const file = nextFile();
  const db = await openSqliteDatabase(file);
  try {
    await fn(db, file);
  } finally {
    await db.destroy();
  }
}
const counts = (file: string) => {
  const other = new Database(file, { readonly: true });
  try {
    const n = (t: string) => (other.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
    return { table: n('leases'), log: n('lease_log') };
  } finally {
    other.close();
  }
};

runLeaseStoreContract('journaled in memory over SqlLeaseJournal (sqlite)', async () => {
  const db = await openSqliteDatabase(nextFile());
  const store = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
  return {
    store,
    reopen: async () => {
      await store.settled();
      return JournaledLeaseStore.open(new SqlLeaseJournal(db));
    },
    cleanup: () => db.destroy(),
  };
});

describe('JournaledLeaseStore over SQLite', () => {
  it('200 concurrent binds: each resolves with its lease only once a second connection sees it, in a handful of commits', async () => {
    const file = nextFile();
    const statements: string[] = [];
    const handle = new Database(file);
    handle.pragma('journal_mode = WAL');
    const counting = { close: () => handle.close(), prepare: (s: string) => (statements.push(s), handle.prepare(s)) };
    const db = new Kysely<InventorySchema>({ dialect: new SqliteDialect({ database: counting }) });
    await migrateToLatest(db, 'sqlite');
    try {
      const store = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
      statements.length = 0;
      const seen: number[] = [];
      const got = await Promise.all(Array.from({ length: 200 }, (_, i) => store.bind(claim(i + 1), T0).then((l) => {
        seen.push(onDisk(file).filter((r) => r.ip === l.ip && r.state === 'bound').length);
        return l;
      })));
      assert.deepEqual(got.map((l) => [l.ip, l.state]), Array.from({ length: 200 }, (_, i) => [ip(i + 1), 'bound']));
      assert.deepEqual(seen, Array(200).fill(1), 'every bind was on disk when it resolved');
      const commits = statements.filter((s) => /^commit/i.test(s)).length;
      assert.ok(commits >= 1 && commits <= 3, `${commits} commits for 200 binds`);
      assert.equal(statements.filter((s) => /^select/i.test(s)).length, 0, 'no reads: the leases are in memory');
      assert.deepEqual(statements.filter((s) => /^(insert|update|delete)/i.test(s) && !/^insert into "lease_log"/i.test(s)), [], 'only appends to the log');
    } finally {
      await db.destroy();
    }
  });

  it('a restart finds every row as the last write left it, expiries and declines included', () => withDb(async (db, file) => {
    const a = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    await Promise.all([a.bind(claim(1), T0), a.offer(claim(2, 2, T0 + 1000), T0), a.bind(claim(3), T0), a.bind(claim(4), T0)]);
    await a.decline(ip(3), mac(3), T0 + HOUR, T0);
    await a.release(ip(4), mac(4), T0);
    assert.deepEqual((await a.expire(T0 + 2000)).map((l) => l.ip), [ip(2)]);
    const b = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    assert.deepEqual(await b.list(), await a.list());
    assert.deepEqual((await b.list()).map((l) => [l.ip, l.state]), [[ip(1), 'bound'], [ip(2), 'expired'], [ip(3), 'declined'], [ip(4), 'released']]);
    assert.deepEqual(onDisk(file).map((r) => r.state), ['bound', 'expired', 'declined', 'released']);
  }));

  it('two MACs trading addresses in one batch: written in any order that would trip the one-lease-per-MAC index, it commits', () => withDb(async (db, file) => {
    const s = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    await Promise.all([s.bind(claim(1, 1), T0), s.bind(claim(2, 2), T0)]);
    await Promise.all([s.release(ip(1), mac(1), T0), s.release(ip(2), mac(2), T0)]);
    // One turn: mac 2 takes address 1 (its row of address 2 goes), mac 1 takes address 2 (its old row went to mac 2).
    const [x, y] = await Promise.all([s.offer(claim(1, 2), T0 + 1), s.offer(claim(2, 1), T0 + 1)]);
    assert.deepEqual([x.mac, y.mac], [mac(2), mac(1)]);
    assert.deepEqual(onDisk(file), [{ ip: ip(1), mac: mac(2), state: 'offered' }, { ip: ip(2), mac: mac(1), state: 'offered' }]);
  }));

  it('a commit that fails (the disk refuses) fails its calls and takes their changes back; the next one commits', () => withDb(async (db, file) => {
    const s = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    await s.bind(claim(1), T0);
    // A real failure inside SQLite for the address 10.71.0.9, as a full disk would give.
    await sql`create trigger refuse before insert on lease_log when new.ip = ${sql.lit(ip(9))} begin select raise(abort, 'disk full'); end`.execute(db);
    const outcomes = await Promise.allSettled([s.bind(claim(9), T0), s.bind(claim(10), T0), s.release(ip(1), mac(1), T0)]);
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
    assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /disk full/);
    assert.equal(await s.getByIp(ip(9)), undefined);
    assert.equal(await s.getByIp(ip(10)), undefined);
    assert.equal((await s.getByIp(ip(1)))?.state, 'bound', 'the release went back with its batch');
    assert.equal((await s.getByMac(mac(1), NET))?.ip, ip(1));
    assert.deepEqual(onDisk(file), [{ ip: ip(1), mac: mac(1), state: 'bound' }]);
    await sql`drop trigger refuse`.execute(db);
    assert.equal((await s.bind(claim(10), T0)).state, 'bound');
    assert.deepEqual(onDisk(file).map((r) => r.ip), [ip(1), ip(10)]);
  }));
});

describe('SqlLeaseJournal folds its log into the table', () => {
  it('every foldEvery changes, after the write that crossed it: the log empties into the table, drops included', () => withDb(async (db, file) => {
    const s = await JournaledLeaseStore.open(new SqlLeaseJournal(db, { foldEvery: 50 }));
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.offer(claim(i + 1), T0)));
    assert.deepEqual(counts(file), { table: 0, log: 30 }, 'below the mark: appended only');
    // 30 binds of the same addresses (60 changes in all), then mac 1 moves to address 40: its row of address 1 goes.
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.bind(claim(i + 1), T0)));
    await s.bind(claim(40, 1), T0);
    await new Promise((r) => setTimeout(r, 50));
    const c = counts(file);
    assert.equal(c.table, 30, 'folded: one row per address, the last change of each');
    assert.ok(c.log <= 2, `log emptied by the fold but for the move after it (${c.log} left)`);
    const want = [...Array.from({ length: 29 }, (_, i) => ({ ip: ip(i + 2), mac: mac(i + 2), state: 'bound' })), { ip: ip(40), mac: mac(1), state: 'bound' }]
      .sort((a, b) => a.ip.localeCompare(b.ip));
    assert.deepEqual(onDisk(file), want);
    const again = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    assert.deepEqual(await again.list(), await s.list());
  }));

  it('a fold that ends inside a batch where two MACs traded addresses: no index conflict, and the rest follows', () => withDb(async (db, file) => {
    const journal = new SqlLeaseJournal(db, { foldEvery: 1e9 });
    const s = await JournaledLeaseStore.open(journal);
    await Promise.all([s.bind(claim(1, 1), T0), s.bind(claim(2, 2), T0)]);
    await Promise.all([s.release(ip(1), mac(1), T0), s.release(ip(2), mac(2), T0)]);
    await Promise.all([s.offer(claim(1, 2), T0 + 1), s.offer(claim(2, 1), T0 + 1)]); // one batch: 2 log rows
    assert.equal(counts(file).log, 6);
    assert.equal(await journal.fold(5), 5, 'the chunk ends between the two rows of the last batch');
    assert.deepEqual(counts(file), { table: 1, log: 1 });
    const want = [{ ip: ip(1), mac: mac(2), state: 'offered' }, { ip: ip(2), mac: mac(1), state: 'offered' }];
    assert.deepEqual(onDisk(file), want, 'table and log together still say the last state');
    const restarted = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    assert.deepEqual((await restarted.list()).map((l) => ({ ip: l.ip, mac: l.mac, state: l.state })), want);
    assert.deepEqual(counts(file), { table: 2, log: 0 });
  }));

  it('a background fold that fails is reported once, keeps the log, and a later fold moves it', () => withDb(async (db, file) => {
    const errors: unknown[] = [];
    const journal = new SqlLeaseJournal(db, { foldEvery: 10, onFoldError: (e) => errors.push(e) });
    const s = await JournaledLeaseStore.open(journal);
    await sql`create trigger refuse before insert on leases begin select raise(abort, 'disk full'); end`.execute(db);
    for (let i = 1; i <= 30; i++) await s.bind(claim(i), T0); // past the mark three times
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(errors.length, 1, 'one failure reported, not one per write');
    assert.match(String(errors[0]), /disk full/);
    assert.deepEqual(counts(file), { table: 0, log: 30 }, 'the log keeps every change');
    assert.equal((await s.getByIp(ip(30)))?.state, 'bound', 'binds go on: they only append');
    await sql`drop trigger refuse`.execute(db);
    assert.equal(await journal.fold(), 30);
    assert.deepEqual(counts(file), { table: 30, log: 0 });
  }));

  it('folds taken while writes go on, over the same addresses, leave table + log at each address\'s last change', () => withDb(async (db, file) => {
    const inserts = () => {
      const other = new Database(file, { readonly: true });
      try {
        return (other.prepare('select n from ins').get() as { n: number }).n;
      } finally {
        other.close();
      }
    };
    await sql`create table ins (n integer)`.execute(db);
    await sql`insert into ins values (0)`.execute(db);
    await sql`create trigger count_ins after insert on leases begin update ins set n = n + 1; end`.execute(db);
    // Folds of 3 rows per turn: a fold spans many turns, and the writes of those turns land between its chunks.
    const s = await JournaledLeaseStore.open(new SqlLeaseJournal(db, { foldEvery: 40, foldChunk: 3 }));
    // 600 steps over 24 addresses and 30 MACs: offers, binds, releases, moves; some concurrent, most one by one,
    // so that background folds start while later writes change the addresses they are writing.
    let x = 7;
    const rnd = (n: number) => ((x = (x * 48271) % 2147483647), x % n); // Park–Miller: exact in doubles
    let changes = 0;
    for (let step = 0; step < 600; step++) {
      const a = 1 + rnd(24);
      const m = 1 + rnd(30);
      const op = rnd(3);
      const held = await s.getByIp(ip(a));
      const go = op === 0 ? s.offer(claim(a, m), T0 + step) : op === 1 ? s.bind(claim(a, m), T0 + step)
        : held ? s.release(ip(a), held.mac, T0 + step) : Promise.resolve(undefined);
      if (rnd(4) === 0) void go.catch(() => undefined);
      else await go.catch(() => undefined);
      changes++;
    }
    await s.settled();
    await new Promise((r) => setTimeout(r, 100));
    const want = (await s.list()).map((l) => ({ ip: l.ip, mac: l.mac, state: l.state })).sort((a, b) => a.ip.localeCompare(b.ip));
    assert.ok(want.length > 10, `a lease table worth checking (${want.length})`);
    assert.deepEqual(onDisk(file), want, 'table overlaid with the log = memory');
    assert.ok(counts(file).log < 200, `the log was folded along the way (${counts(file).log} rows left)`);
    // One row written per address per fold, not one per change.
    assert.ok(inserts() < changes / 2, `${inserts()} rows written into the table for ${changes} steps`);
    const again = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    assert.deepEqual((await again.list()).map((l) => ({ ip: l.ip, mac: l.mac, state: l.state })).sort((a, b) => a.ip.localeCompare(b.ip)), want);
  }));

  it('a restart after a crash (log never folded) finds every committed change: load folds first', () => withDb(async (db, file) => {
    const s = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    await Promise.all([s.bind(claim(1), T0), s.bind(claim(2), T0), s.offer(claim(3), T0)]);
    await s.release(ip(2), mac(2), T0);
    await s.bind(claim(4, 3), T0); // mac 3 moves: address 3's row goes
    assert.equal(counts(file).table, 0);
    const restarted = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
    assert.deepEqual((await restarted.list()).map((l) => [l.ip, l.mac, l.state]), [[ip(1), mac(1), 'bound'], [ip(2), mac(2), 'released'], [ip(4), mac(3), 'bound']]);
    assert.deepEqual(counts(file), { table: 3, log: 0 });
  }));
});

describe('JournaledLeaseStore batches', () => {
  /** A real journal whose writes wait for the test to let them go: two batches at once, one in flight, one queued. */
  function gatedJournal(inner: LeaseJournal) {
    const gates: Array<{ open: () => void; fail: (e: Error) => void }> = [];
    const writes: Array<{ put: string[]; drop: string[] }> = [];
    const journal: LeaseJournal = {
      load: () => inner.load(),
      write: (change) => {
        writes.push({ put: change.put.map((l: Lease) => l.ip), drop: change.drop });
        return new Promise<void>((resolve, reject) => gates.push({ open: () => inner.write(change).then(resolve, reject), fail: reject }));
      },
    };
    return { journal, gates, writes };
  }
  const turn = () => new Promise((r) => setImmediate(r));

  it('changes made while a batch is written wait for the next one; a failed batch takes back the one built on it too', () => withDb(async (db, file) => {
    const g = gatedJournal(new SqlLeaseJournal(db));
    const s = await JournaledLeaseStore.open(g.journal);
    const first = s.bind(claim(1), T0);
    await turn();
    assert.equal(g.writes.length, 1, 'the first batch is being written');
    const second = s.bind(claim(2), T0); // changes memory now, waits for the next batch
    const moved = s.bind(claim(3, 1), T0); // mac 1 moves from address 1 (in flight) to 3
    assert.equal((await s.getByMac(mac(1), NET))?.ip, ip(3));
    await turn();
    assert.equal(g.writes.length, 1, 'one batch at a time');
    g.gates[0]!.fail(new Error('I/O error'));
    const settled = await Promise.allSettled([first, second, moved]);
    assert.deepEqual(settled.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
    assert.deepEqual(await s.list(), [], 'both batches taken back');
    assert.equal(await s.getByMac(mac(1), NET), undefined);
    assert.equal(g.writes.length, 1, 'the queued batch was never written');
    const again = s.bind(claim(3, 1), T0);
    await turn();
    g.gates[1]!.open();
    assert.equal((await again).ip, ip(3));
    assert.deepEqual(onDisk(file).map((r) => r.ip), [ip(3)]);
  }));

  it('a batch written behind a successful one: the second holds only what changed after the first began', () => withDb(async (db, file) => {
    const g = gatedJournal(new SqlLeaseJournal(db));
    const s = await JournaledLeaseStore.open(g.journal);
    const first = Promise.all([s.bind(claim(1), T0), s.bind(claim(2), T0)]);
    await turn();
    const second = s.release(ip(2), mac(2), T0);
    g.gates[0]!.open();
    await first;
    await turn();
    assert.deepEqual(g.writes, [{ put: [ip(1), ip(2)], drop: [] }, { put: [ip(2)], drop: [] }]);
    g.gates[1]!.open();
    assert.equal(await second, true);
    assert.deepEqual(onDisk(file).map((r) => r.state), ['bound', 'released']);
    await s.settled();
  }));

  it('a call that changed nothing still waits for the changes before it', () => withDb(async (db, file) => {
    const g = gatedJournal(new SqlLeaseJournal(db));
    const s = await JournaledLeaseStore.open(g.journal);
    const bind = s.bind(claim(1), T0);
    let answered = false;
    const noop = s.release(ip(5), mac(5), T0).then((r) => { answered = true; return r; });
    await turn();
    await turn();
    assert.equal(answered, false);
    g.gates[0]!.open();
    assert.equal(await noop, false);
    await bind;
    assert.equal(await s.release(ip(6), mac(6), T0), false, 'nothing pending: answered at once');
  }));
});
