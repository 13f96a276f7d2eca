// Every API route × role, allowed and denied, generated from the running server's route table (the onRoute hook):
// a route added without a policy decision (config.command or config.public) fails here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type Reply, type TestServer } from '../support/stage0-server.ts';
import { commandMatches } from '../../src/auth/policy.ts';

interface Route { method: string; url: string; command: string | null; public: string | null; nodeScoped: boolean }
type Role = 'anonymous' | 'viewer' | 'operator' | 'admin';

/** What the built-in viewer role and the auth.self row allow (the same globs the policy uses). */
const VIEWER = ['nodels', 'lsdef', 'nodeset.stat', '*.read', 'auth.self'];
/** Where a route may look for the nodes it acts on; the probe puts the node name in all of them. */
const RANGE_FIELDS = ['range', 'nodes', 'noderange', 'node', 'name'];

/** Whether the role may call the route with a request naming `node` (r2n01 is in rack2, far01 is not). */
function expected(role: Role, r: Route, node: string): boolean {
  if (r.public) return true;
  if (role === 'anonymous') return false;
  if (role === 'admin') return true;
  if (role === 'viewer') return VIEWER.some((p) => commandMatches(p, r.command!));
  return r.command === 'auth.self' || (r.nodeScoped && node === 'r2n01');
}

/** A request to the route that names `node` wherever a noderange could be read from; its validity does not matter. */
function probe(r: Route, node: string): { path: string; body?: unknown } {
  const path = r.url.replace(/:\w+/g, node).replace('*', 'x');
  const query = RANGE_FIELDS.map((f) => `${f}=${node}`).join('&');
  const body = ['GET', 'HEAD', 'DELETE'].includes(r.method) ? undefined : Object.fromEntries(RANGE_FIELDS.map((f) => [f, node]));
  return { path: `${path}?${query}`, body };
}

describe('route × role policy (from the route table)', () => {
  let s: TestServer;
  const tokens = {} as Record<Role, string | undefined>;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, `/api/v1${path}`, body, headers);
  let routes: Route[] = [];
  const users: Record<Role, string | undefined> = { anonymous: undefined, viewer: 'vera', operator: 'otto', admin: 'adam' };
  const loginAs = async (role: Role) => users[role] && (await api('POST', '/auth/login', { user: users[role], password: `${users[role]}-password-1` }, { anonymous: 'true' })).body.token as string;

  before(async () => {
    s = await startTestServer('sqlite');
    const setup: [string, string, unknown][] = [
      ['POST', '/nodes', { name: 'r2n01', groups: ['rack2'] }],
      ['POST', '/nodes', { name: 'r2n02', groups: ['rack2'] }],
      ['POST', '/nodes', { name: 'far01', groups: ['rack9'] }],
      ['POST', '/users', { name: 'vera', roles: ['viewer'], password: 'vera-password-1' }],
      ['POST', '/users', { name: 'otto', groups: ['ops'], password: 'otto-password-1' }],
      ['POST', '/users', { name: 'adam', roles: ['admin'], password: 'adam-password-1' }],
      ['POST', '/policy', { priority: 40, subject: 'group:ops', commands: ['*'], noderange: 'rack2', effect: 'allow', comment: 'operator of rack2' }],
    ];
    for (const [m, p, b] of setup) assert.equal((await api(m, p, b)).status, 201, `${m} ${p}`);
    for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = await loginAs(role);
    routes = (await api('GET', '/auth/routes')).body.items;
  });
  after(async () => {
    await s?.stop();
  });

  test('the route table is complete and every route declares a policy command or why it is public', () => {
    assert.ok(routes.length >= 40, `only ${routes.length} routes`);
    for (const p of ['GET /api/v1/nodes', 'POST /api/v1/auth/login', 'GET /api/v1/audit', 'GET /boot.ipxe']) assert.ok(routes.some((r) => `${r.method} ${r.url}` === p), p);
    const undeclared = routes.filter((r) => !r.command && !r.public).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(undeclared, [], 'routes without config.command or config.public');
  });

  test('every route × role: allowed ones pass the policy, denied ones are refused by it', async (t) => {
    // Operators are tried outside rack2 and inside it. Logging out revokes the caller's token: it gets fresh ones.
    for (const r of routes) {
      await t.test(`${r.method} ${r.url} (${r.command ?? `public ${r.public}`})`, async () => {
        for (const [role, node] of [['anonymous', 'far01'], ['viewer', 'far01'], ['operator', 'far01'], ['operator', 'r2n01'], ['admin', 'far01']] as [Role, string][]) {
          // Earlier probes (as admin or the operator) may have removed or changed the fixture node: put it back.
          if (node === 'r2n01') await api('POST', '/nodes', { name: 'r2n01', groups: ['rack2'] });
          const { path, body } = probe(r, node);
          const token = r.url === '/api/v1/auth/logout' ? await loginAs(role) : tokens[role];
          const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : { anonymous: 'true' };
          const res: Reply = await call(s.url, r.method, path, body, headers);
          const deniedBy = typeof res.body === 'object' && res.body ? res.body.deniedBy : undefined;
          const want = expected(role, r, node);
          const what = `${role} ${r.method} ${path} -> ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
          if (want) assert.equal(deniedBy, undefined, `should be allowed: ${what}`);
          else {
            assert.equal(deniedBy, role === 'anonymous' ? 'authentication' : 'policy', `should be denied: ${what}`);
            assert.equal(res.status, role === 'anonymous' ? 401 : 403, what);
            if (role === 'operator' && r.nodeScoped) assert.deepEqual(res.body.deniedNodes ?? ['far01'], ['far01'], 'the 403 names the nodes outside the row');
          }
        }
      });
    }
  });

  test('a noderange-limited operator: allowed inside rack2, refused across it with the outside nodes named', async () => {
    const op = { authorization: `Bearer ${await loginAs('operator')}` };
    for (const [name, group] of [['far01', 'rack9'], ['r2n02', 'rack2']]) await api('POST', '/nodes', { name, groups: [group] }); // the admin probes removed them
    assert.equal((await api('PATCH', '/nodes?range=rack2', { attrs: { owner: 'otto' } }, op)).status, 200);
    const across = await api('PATCH', '/nodes?range=r2n02,far01', { attrs: { owner: 'otto' } }, op);
    assert.equal(across.status, 403);
    assert.deepEqual(across.body.deniedNodes, ['far01']);
    assert.match(across.body.detail, /only on rack2; not on far01/);
    assert.equal((await api('GET', '/nodes/far01')).body.attrs.owner, undefined, 'nothing changed');
    assert.equal((await api('GET', '/groups', undefined, op)).status, 403, 'commands without nodes are outside a noderange-limited right');
  });
});
