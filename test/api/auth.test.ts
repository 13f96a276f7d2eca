// Authentication over real HTTP on a real stage0 (SQLite): first-start admin, tokens (scope, expiry, revocation),
// login rate limit, browser sessions with CSRF, the authenticated actor, the audit trail, and the CLI's login file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { runCli } from '../support/run-cli.ts';
import { openStores } from '../../src/store/open-store.ts';
import { hashSecret } from '../../src/auth/secret-token.ts';

describe('authentication', () => {
  let s: TestServer;
  const api = (method: string, p: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, `/api/v1${p}`, body, headers);
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const anon = { anonymous: 'true' };
  const login = async (user: string, password: string, extra: Record<string, unknown> = {}) => api('POST', '/auth/login', { user, password, ...extra }, anon);
  before(async () => {
    s = await startTestServer('sqlite');
    assert.equal((await api('POST', '/users', { name: 'vera', roles: ['viewer'], password: 'vera-password-1' })).status, 201);
  });
  after(async () => {
    await s?.stop();
  });

  test('first start: admin with a random one-time password in a 0600 file, no default password', async () => {
    const file = path.join(s.dataDir, 'initial-admin-password');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await readFile(file, 'utf8')).trim(), s.adminPassword);
    assert.match(s.adminPassword, /^[A-Za-z0-9]{24}$/);
    assert.equal((await login('admin', s.adminPassword)).status, 200);
    for (const guess of ['admin', 'password', 'stage0', '']) assert.equal((await login('admin', guess)).status, 401, guess);
  });

  test('no credentials: 401 with WWW-Authenticate on the API, public endpoints still answer', async () => {
    const r = await api('GET', '/nodes', undefined, anon);
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="stage0"');
    assert.equal(r.body.deniedBy, 'authentication');
    assert.equal((await api('GET', '/health', undefined, anon)).status, 200);
    assert.equal((await api('GET', '/nodes', undefined, { authorization: 'Bearer s0t_forged' })).status, 401);
    assert.equal((await api('GET', '/nodes', undefined, { authorization: 'Basic YWRtaW46YWRtaW4=' })).status, 401);
  });

  test('a scoped token runs only its commands; a revoked token stops working at once', async () => {
    const t = await api('POST', '/tokens', { name: 'ci', scopes: ['nodels', '*.read'] });
    assert.equal(t.status, 201);
    assert.match(t.body.token, /^s0t_/);
    assert.equal((await api('GET', '/nodes', undefined, as(t.body.token))).status, 200);
    assert.equal((await api('GET', '/site', undefined, as(t.body.token))).status, 200);
    const denied = await api('POST', '/nodes', { name: 'tok01' }, as(t.body.token));
    assert.equal(denied.status, 403);
    assert.equal(denied.body.deniedBy, 'token-scope');
    const listed = (await api('GET', '/tokens')).body.items.find((x: { id: string }) => x.id === t.body.id);
    assert.deepEqual(listed.scopes, ['nodels', '*.read']);
    assert.ok(listed.lastUsedAt, 'last use is recorded');
    assert.equal(listed.token, undefined, 'the secret is never listed');
    assert.equal((await api('DELETE', `/tokens/${t.body.id}`)).status, 204);
    const revoked = await api('GET', '/nodes', undefined, as(t.body.token));
    assert.equal(revoked.status, 401);
    assert.match(revoked.body.detail, /revoked/);
  });

  test('an expired token is refused (expiry stored in the database, checked on every request)', async () => {
    const stores = await openStores({ kind: 'sqlite', path: path.join(s.dataDir, 'stage0.db') });
    const secret = 's0t_expired-token-for-the-test';
    try {
      await stores.auth.credentials.create({ id: 'e0e0', kind: 'token', user: 'admin', name: 'old', hash: hashSecret(secret), scopes: null, csrfHash: null, expiresAt: new Date(Date.now() - 1000).toISOString() });
      await stores.auth.credentials.create({ id: 'e0e1', kind: 'token', user: 'admin', name: 'fresh', hash: hashSecret(`${secret}-2`), scopes: null, csrfHash: null, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    } finally {
      await stores.inventory.close();
    }
    const r = await api('GET', '/nodes', undefined, as(secret));
    assert.equal(r.status, 401);
    assert.match(r.body.detail, /expired/);
    assert.equal((await api('GET', '/nodes', undefined, as(`${secret}-2`))).status, 200);
  });

  test('login rate limit: 5 failures per user and address per minute, then 429 with Retry-After (even for the right password)', async () => {
    assert.equal((await api('POST', '/users', { name: 'rita', password: 'rita-password-1' })).status, 201);
    for (let i = 0; i < 5; i++) assert.equal((await login('rita', `wrong-${i}`)).status, 401);
    const limited = await login('rita', 'rita-password-1');
    assert.equal(limited.status, 429);
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal((await login('vera', 'vera-password-1')).status, 200, 'another user from the same address is not limited');
  });

  test('browser session: HttpOnly SameSite=Strict cookie; unsafe methods need the CSRF header; a session is no bearer token', async () => {
    const r = await login('admin', s.adminPassword, { session: true });
    assert.equal(r.status, 200);
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^stage0_session=s0s_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP: no Secure flag (it is set behind TLS)');
    const jar = { cookie: cookie.split(';')[0]! };
    assert.equal((await api('GET', '/auth/whoami', undefined, jar)).body.via, 'session');
    const noCsrf = await api('POST', '/nodes', { name: 'web01' }, jar);
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.deniedBy, 'csrf');
    assert.equal((await api('POST', '/nodes', { name: 'web01' }, { ...jar, 'x-csrf-token': 's0c_wrong' })).status, 403);
    assert.equal((await api('POST', '/nodes', { name: 'web01' }, { ...jar, 'x-csrf-token': r.body.csrfToken })).status, 201);
    assert.equal((await api('GET', '/nodes', undefined, as(jar.cookie.split('=')[1]!))).status, 401);
    assert.equal((await api('POST', '/auth/logout', undefined, { ...jar, 'x-csrf-token': r.body.csrfToken })).status, 204);
    assert.equal((await api('GET', '/auth/whoami', undefined, jar)).status, 401);
  });

  test('the actor is the authenticated user: X-Stage0-Actor is ignored', async () => {
    const v = await login('vera', 'vera-password-1');
    assert.equal((await api('POST', '/nodes', { name: 'act01' }, { 'x-stage0-actor': 'vera' })).status, 201);
    assert.equal((await api('POST', '/nodes', { name: 'act02' }, { ...as(v.body.token), 'x-stage0-actor': 'admin' })).status, 403);
    const ev = await api('GET', '/events?nodes=act01&kind=node.created');
    assert.equal(ev.body.items[0].actor, 'admin');
  });

  test('audit: allowed and refused changes with user, command, nodes, status, source; filters; no way to change it', async () => {
    const v = await login('vera', 'vera-password-1');
    assert.equal((await api('PATCH', '/nodes?range=act01', { attrs: { rack: 'r9' } })).status, 200);
    assert.equal((await api('DELETE', '/nodes/act01', undefined, as(v.body.token))).status, 403);
    assert.equal((await api('PATCH', '/site', { attrs: { domain: 'audit.example' } })).status, 200);
    const byNode = await api('GET', '/audit?node=act01');
    assert.equal(byNode.status, 200);
    const rows = byNode.body.items.map((e: any) => [e.user, e.command, e.route, e.status, e.nodes]);
    assert.deepEqual(rows, [
      ['admin', 'nodeadd', 'POST /api/v1/nodes', 201, ['act01']],
      ['admin', 'nodech', 'PATCH /api/v1/nodes', 200, ['act01']],
      ['vera', 'noderm', 'DELETE /api/v1/nodes/:name', 403, ['act01']],
    ]);
    assert.equal(byNode.body.items[0].from, '127.0.0.1');
    const site = (await api('GET', '/audit?command=site.write')).body.items.at(-1);
    assert.deepEqual(site.details.after, { domain: 'audit.example' });
    assert.deepEqual(site.details.before, {}, 'the site route attaches before/after');
    const logins = (await api('GET', '/audit?user=rita')).body.items;
    assert.ok(logins.length >= 6 && logins.every((e: any) => e.command === 'public:login'), 'failed and refused logins are audited under the name tried');
    assert.ok(!JSON.stringify(logins).includes('rita-password-1'), 'passwords never reach the audit');
    assert.equal((await api('GET', '/audit', undefined, as(v.body.token))).status, 200, 'viewers read the audit');
    assert.equal((await api('DELETE', '/audit')).status, 404);
    assert.equal((await api('PATCH', '/audit')).status, 404);
  });

  test('users: the last administrator cannot be removed or demoted; passwords are never shown', async () => {
    assert.equal((await api('DELETE', '/users/admin')).status, 409);
    assert.equal((await api('PATCH', '/users/admin', { roles: ['viewer'] })).status, 409);
    const users = await api('GET', '/users');
    assert.ok(!JSON.stringify(users.body).includes('scrypt'));
    const gen = await api('POST', '/users', { name: 'gus' });
    assert.match(gen.body.password, /^[A-Za-z0-9]{24}$/, 'a generated password is returned once');
    assert.equal((await login('gus', gen.body.password)).status, 200);
    const own = await login('gus', gen.body.password);
    assert.equal((await api('PUT', '/auth/password', { current: 'nope', password: 'gus-new-password' }, as(own.body.token))).status, 403);
    assert.equal((await api('PUT', '/auth/password', { current: gen.body.password, password: 'gus-new-password' }, as(own.body.token))).status, 204);
    assert.equal((await login('gus', 'gus-new-password')).status, 200);
    assert.equal((await api('DELETE', '/users/gus')).status, 204);
    assert.equal((await api('GET', '/auth/whoami', undefined, as(own.body.token))).status, 401, 'a removed user\'s tokens stop working');
  });

  test('CLI: login writes a 0600 credentials file that later commands use; logout revokes the token', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 's0-login-'));
    const env = { STAGE0_URL: s.url, XDG_CONFIG_HOME: home, STAGE0_TOKEN: '' };
    const bad = await runCli(['login', '--user', 'vera'], { ...env, STAGE0_PASSWORD: 'wrong-password' });
    assert.equal(bad.code, 6, bad.stderr);
    const ok = await runCli(['login', '--user', 'vera'], env, 'vera-password-1\n');
    assert.equal(ok.code, 0, ok.stderr);
    const file = path.join(home, 'stage0', 'credentials.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(path.dirname(file))).mode & 0o777, 0o700);
    const saved = JSON.parse(await readFile(file, 'utf8'))[new URL(s.url).origin];
    assert.equal(saved.user, 'vera');
    const who = await runCli(['whoami'], env);
    assert.match(who.stdout, /^vera \(roles: viewer/);
    const denied = await runCli(['nodeadd', 'cli01'], env);
    assert.equal(denied.code, 7);
    assert.match(denied.stderr, /no policy row allows vera to run nodeadd/);
    assert.equal((await runCli(['logout'], env)).code, 0);
    assert.equal((await api('GET', '/auth/whoami', undefined, as(saved.token))).status, 401);
    const after = await runCli(['nodels'], env);
    assert.equal(after.code, 6);
    assert.match(after.stderr, /stage0 login/);
  });
});
