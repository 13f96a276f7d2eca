// The behaviour suite every AuthStore backend passes (SQLite and PostgreSQL run it unchanged).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DomainError } from '../domain/errors.ts';
import type { AuthStore } from './auth-store.ts';

export interface AuthStoreUnderTest {
  store: AuthStore;
  /** Runs raw SQL on the same database, behind the store's back (to prove the database itself refuses). */
  exec(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

async function rejectsKind(p: Promise<unknown>, kind: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof DomainError && e.kind === kind);
}

export function runAuthStoreContract(label: string, factory: () => Promise<AuthStoreUnderTest>): void {
  describe(`AuthStore contract: ${label}`, () => {
    let sut: AuthStoreUnderTest;
    let s: AuthStore;
    beforeEach(async () => { sut = await factory(); s = sut.store; });
    afterEach(async () => { await sut.cleanup(); });

    it('users: create, read, change roles and password hash, refuse duplicates, remove', async () => {
      assert.equal(await s.users.count(), 0);
      const u = await s.users.create({ name: 'ada', roles: ['viewer'], groups: ['ops'], passwordHash: 'scrypt$x' });
      assert.deepEqual([u.name, u.roles, u.groups, u.passwordHash], ['ada', ['viewer'], ['ops'], 'scrypt$x']);
      assert.deepEqual(await s.users.get('ada'), u);
      await rejectsKind(s.users.create({ name: 'ada', roles: [], groups: [], passwordHash: null }), 'conflict');
      const changed = await s.users.update('ada', { roles: ['admin'], passwordHash: null });
      assert.deepEqual([changed.roles, changed.groups, changed.passwordHash], [['admin'], ['ops'], null]);
      await s.users.create({ name: 'bob', roles: [], groups: [], passwordHash: null });
      assert.deepEqual((await s.users.list()).map((x) => x.name), ['ada', 'bob']);
      await s.users.remove('ada');
      assert.equal(await s.users.get('ada'), undefined);
      await rejectsKind(s.users.remove('ada'), 'not-found');
      await rejectsKind(s.users.update('ghost', { roles: [] }), 'not-found');
      assert.equal(await s.users.count(), 1);
    });

    it('credentials: found by hash, listed by kind and user, revoked once, touched; removed with their user', async () => {
      await s.users.create({ name: 'ada', roles: [], groups: [], passwordHash: null });
      const t = await s.credentials.create({ id: 't1', kind: 'token', user: 'ada', name: 'ci', hash: 'h1', scopes: ['nodels'], csrfHash: null, expiresAt: '2999-01-01T00:00:00.000Z' });
      await s.credentials.create({ id: 's1', kind: 'session', user: 'ada', name: 'web', hash: 'h2', scopes: null, csrfHash: 'c', expiresAt: null });
      assert.deepEqual(await s.credentials.findByHash('h1'), t);
      assert.equal(await s.credentials.findByHash('nope'), undefined);
      assert.deepEqual((await s.credentials.list({ user: 'ada' })).map((c) => c.id), ['t1']);
      assert.deepEqual((await s.credentials.list({ kind: 'session' })).map((c) => c.id), ['s1']);
      await rejectsKind(s.credentials.create({ id: 't2', kind: 'token', user: 'ada', name: 'dup', hash: 'h1', scopes: null, csrfHash: null, expiresAt: null }), 'conflict');
      await s.credentials.touch('t1', '2030-01-01T00:00:00.000Z');
      await s.credentials.revoke('t1', '2030-01-02T00:00:00.000Z');
      await s.credentials.revoke('t1', '2030-01-03T00:00:00.000Z'); // revoking twice keeps the first time
      const after = await s.credentials.get('t1');
      assert.deepEqual([after?.lastUsedAt, after?.revokedAt], ['2030-01-01T00:00:00.000Z', '2030-01-02T00:00:00.000Z']);
      await rejectsKind(s.credentials.revoke('ghost', '2030-01-01T00:00:00.000Z'), 'not-found');
      await s.users.remove('ada');
      assert.equal(await s.credentials.findByHash('h2'), undefined);
    });

    it('policy: starts with the built-in rows (admin first), adds and removes rows in priority order', async () => {
      const builtIn = await s.policy.list();
      assert.deepEqual(builtIn[0] && [builtIn[0].subject, builtIn[0].commands, builtIn[0].effect], ['role:admin', ['*'], 'allow']);
      assert.ok(builtIn.some((r) => r.subject === 'role:viewer'));
      const row = await s.policy.add({ priority: 5, subject: 'user:ops', commands: ['rpower', 'nodels'], noderange: 'rack2', effect: 'allow', comment: null });
      const low = await s.policy.add({ priority: 1000, subject: '*', commands: ['*'], noderange: null, effect: 'deny', comment: 'last' });
      const rows = await s.policy.list();
      assert.deepEqual(rows[0], row);
      assert.deepEqual(rows.at(-1), low);
      await s.policy.remove(row.id);
      await rejectsKind(s.policy.remove(row.id), 'not-found');
      assert.equal((await s.policy.list()).length, builtIn.length + 1);
    });

    it('audit: appends and filters by user, command, node, time and cursor; the database refuses UPDATE and DELETE', async () => {
      const a = await s.audit.append({ user: 'ada', command: 'nodech', route: 'PATCH /api/v1/nodes', nodes: ['n1', 'n_2'], status: 200, from: '127.0.0.1', details: { after: { x: 1 } } });
      const b = await s.audit.append({ user: 'bob', command: 'rpower', route: 'POST /api/v1/power', nodes: ['n12'], status: 403, from: '::1', details: {}, time: '2999-01-01T00:00:00Z' });
      assert.ok(b.id > a.id);
      assert.deepEqual(a.details, { after: { x: 1 } });
      assert.deepEqual((await s.audit.query({ user: 'ada' })).map((e) => e.id), [a.id]);
      assert.deepEqual((await s.audit.query({ command: 'rpower' })).map((e) => e.id), [b.id]);
      assert.deepEqual((await s.audit.query({ node: 'n1' })).map((e) => e.id), [a.id], 'n1 does not match n12');
      assert.deepEqual((await s.audit.query({ node: 'nx2' })).map((e) => e.id), [], "'_' is no wildcard");
      assert.deepEqual((await s.audit.query({ since: '2500-01-01' })).map((e) => e.id), [b.id]);
      assert.deepEqual((await s.audit.query({ afterId: a.id })).map((e) => e.id), [b.id]);
      await assert.rejects(sut.exec(`update audit set user_name = 'mallory'`), /append-only/);
      await assert.rejects(sut.exec('delete from audit'), /append-only/);
      assert.deepEqual((await s.audit.query()).map((e) => e.user), ['ada', 'bob']);
    });

    it('login failures: newest first within the window, at most the limit; cleared per key; pruned by time', async () => {
      const f = s.loginFailures;
      for (const at of [1000, 2000, 3000, 4000]) await f.add('ada\n10.0.0.1', at);
      await f.add('bob\n10.0.0.1', 3500);
      assert.deepEqual(await f.recent('ada\n10.0.0.1', 2000, 10), [4000, 3000, 2000]);
      assert.deepEqual(await f.recent('ada\n10.0.0.1', 0, 2), [4000, 3000]);
      await f.prune(3000);
      assert.deepEqual(await f.recent('ada\n10.0.0.1', 0, 10), [4000, 3000]);
      await f.clear('ada\n10.0.0.1');
      assert.deepEqual(await f.recent('ada\n10.0.0.1', 0, 10), []);
      assert.deepEqual(await f.recent('bob\n10.0.0.1', 0, 10), [3500], 'other keys untouched');
    });
  });
}
