// The boot listener's lean /boot.ipxe path against the fastify path, on one real stage0 (SQLite and PostgreSQL, real sockets): the
// API listener (plain HTTP on loopback) still answers /boot.ipxe through fastify and all its hooks, the boot listener
// through the lean path; both must send the same status, headers and body, and record the same events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { openStores } from '../../store/open-store.ts';
import { DomainError } from '../../domain/errors.ts';
import { bootScriptFastPath } from './boot-script-fast-path.ts';
import type { BootScriptRequest } from './boot-script-answer.ts';
import { call, startTestServer, type TestServer } from '../../../test/support/stage0-server.ts';
import { startPostgres, type PostgresServer } from '../../../test/support/postgres.ts';

interface Raw {
  status: number;
  /** Raw header lines in wire order, minus Date (a clock) and Keep-Alive (each listener's own timeout). */
  headers: string[];
  body: string;
}

function raw(base: string, method: string, p: string, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, agent: false, headers: body ? { 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const headers: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (!/^(date|keep-alive)$/i.test(res.rawHeaders[i]!)) headers.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ status: res.statusCode ?? 0, headers, body: text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const MAC = { unknown: '52-54-00-AA-BB-CC', none: '52:54:00:00:20:01', boot: '52:54:00:00:20:02', shell: '52:54:00:00:20:03', install: '52:54:00:00:20:04', guarded: '52:54:00:00:20:05' };
/** Install scripts carry a fresh token per request by design: compared with the token blanked. */
const blankToken = (s: string) => s.replace(/stage0\.token=[A-Za-z0-9_-]+/g, 'stage0.token=<token>');

for (const kind of ['sqlite', 'postgres'] as const) describe(`boot script: lean path (boot listener) = fastify path (API listener) (${kind})`, () => {
  let s: TestServer;
  let pg: PostgresServer | undefined;
  let bootUrl: string;
  /** Another handle on the same database: what a second controller would write through. */
  const otherController = (dataDir: string) => openStores(pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite', path: path.join(dataDir, 'stage0.db') });
  /** f4's MAC holds 10.11.0.5 by a DHCP lease of ours: a request from 127.0.0.1 for its script is refused. */
  const leaseGuarded = async (dataDir: string) => {
    const second = await otherController(dataDir);
    try {
      await second.leases.bind({ ip: '10.11.0.5', mac: MAC.guarded, subnet: '10.11.0.0/24', expiresAt: Date.now() + 3_600_000 }, Date.now());
    } finally {
      await second.inventory.close();
    }
  };
  const api = (m: string, p: string, b?: unknown) => call(s.url, m, `/api/v1${p}`, b);
  const eventsAfter = async (id: number, kind: string) =>
    (await api('GET', `/events?after=${id}&kind=${kind}`)).body.items as { id: number; node: string | null; details: Record<string, unknown> }[];
  const lastEventId = async () => ((await api('GET', '/events?limit=10000')).body.items as { id: number }[]).at(-1)?.id ?? 0;

  before(async () => {
    pg = kind === 'postgres' ? await startPostgres() : undefined;
    s = await startTestServer('sqlite', {
      ...(pg && { store: { kind: 'postgres', url: pg.url } }),
      api: { listen: '127.0.0.1', port: 0 },
      boot: { httpBase: 'http://10.0.0.1:8080', http: { enabled: true, listen: '127.0.0.1', port: 0 }, default: { kernel: 'env/vmlinuz', initrd: 'env/initrd.gz', cmdline: 'console=ttyS0' } },
      // The guard's lease facts come from these subnets; DHCP itself stays off.
      dhcp: { subnets: [{ cidr: '10.11.0.0/24' }] },
      // SQLite: one controller owns the leases and reads them at start, so the lease is there before it starts;
      // PostgreSQL: another controller writes it while this one runs (below).
    }, pg ? undefined : leaseGuarded);
    // Port 0 and the URL the listener reports: a port picked beforehand could be taken by the time it listens.
    assert.ok(s.bootUrl, 'the boot listener must run');
    bootUrl = s.bootUrl;
    assert.match(s.url, /^http:/, 'the API listener must be plain HTTP for the comparison');
    assert.equal((await api('POST', '/profiles', { name: 'p1', kernel: 'p1/vmlinuz', initrd: 'p1/initrd.img', cmdline: 'console=ttyS0' })).status, 201);
    for (const [i, key] of (['none', 'boot', 'shell', 'install', 'guarded'] as const).entries())
      assert.equal((await api('POST', '/nodes', { name: `f${i}`, macs: [MAC[key]] })).status, 201);
    for (const [node, target] of [['f1', 'boot'], ['f2', 'shell'], ['f3', 'osimage=p1'], ['f4', 'osimage=p1']])
      assert.equal((await api('POST', '/nodeset', { noderange: node, target })).status, 200);
    if (pg) await leaseGuarded(s.dataDir);
  });
  after(async () => {
    await s?.stop();
    await pg?.stop();
  });

  const cases: Array<{ name: string; method: string; query: string; status: number; event?: 'http.boot-script' | 'http.refused' }> = [
    { name: 'unknown MAC (dashes, upper case)', method: 'GET', query: `?mac=${MAC.unknown}`, status: 200, event: 'http.boot-script' },
    { name: 'known node, no boot state', method: 'GET', query: `?mac=${MAC.none}`, status: 200, event: 'http.boot-script' },
    { name: 'known node, state boot', method: 'GET', query: `?mac=${MAC.boot}`, status: 200, event: 'http.boot-script' },
    { name: 'known node, state shell', method: 'GET', query: `?mac=${MAC.shell}`, status: 200, event: 'http.boot-script' },
    { name: 'known node, state install', method: 'GET', query: `?mac=${MAC.install}`, status: 200, event: 'http.boot-script' },
    { name: 'HEAD, known node', method: 'HEAD', query: `?mac=${MAC.shell}`, status: 200, event: 'http.boot-script' },
    { name: 'bad MAC', method: 'GET', query: '?mac=zz', status: 400 },
    { name: 'no MAC', method: 'GET', query: '', status: 400 },
    { name: 'MAC given twice', method: 'GET', query: `?mac=${MAC.shell}&mac=${MAC.shell}`, status: 400 },
    { name: 'MAC-IP guard refusal', method: 'GET', query: `?mac=${MAC.guarded}`, status: 403, event: 'http.refused' },
    { name: 'POST', method: 'POST', query: `?mac=${MAC.shell}`, status: 404 },
    { name: 'OPTIONS', method: 'OPTIONS', query: '', status: 404 },
  ];
  for (const c of cases)
    test(`${c.name}: ${c.method} /boot.ipxe${c.query} → ${c.status}, same answer and events`, async () => {
      const mark = await lastEventId();
      const lean = await raw(bootUrl, c.method, `/boot.ipxe${c.query}`);
      const framework = await raw(s.url, c.method, `/boot.ipxe${c.query}`);
      assert.equal(lean.status, c.status, lean.body);
      assert.deepEqual({ ...lean, body: blankToken(lean.body) }, { ...framework, body: blankToken(framework.body) });
      if (c.method === 'HEAD') assert.equal(lean.body, '');
      for (const kind of ['http.boot-script', 'http.refused']) {
        const got = await eventsAfter(mark, kind);
        assert.equal(got.length, kind === c.event ? 2 : 0, `${kind}: ${JSON.stringify(got)}`);
        if (got.length === 2) assert.deepEqual([got[0]!.node, got[0]!.details], [got[1]!.node, got[1]!.details]);
      }
    });

  test('the boot listener sends the security headers and no-store on the script', async () => {
    const r = await raw(bootUrl, 'GET', `/boot.ipxe?mac=${MAC.shell}`);
    const h = r.headers.map((l) => l.toLowerCase());
    for (const want of ['content-type: text/plain', 'cache-control: no-store', 'x-content-type-options: nosniff', 'x-frame-options: deny', 'referrer-policy: no-referrer'])
      assert.ok(h.includes(want), `${want} in ${JSON.stringify(h)}`);
    assert.match(r.body, /^#!ipxe\n[^]*stage0\.mode=shell/);
  });

  test('a GET with a body still meets the boot gate (400), and decides nothing', async () => {
    const mark = await lastEventId();
    const r = await raw(bootUrl, 'GET', `/boot.ipxe?mac=${MAC.shell}`, 'hello');
    assert.equal(r.status, 400);
    assert.equal(r.body, 'stage0: GET with a body\n');
    assert.equal((await eventsAfter(mark, 'http.boot-script')).length, 0);
  });

  test('a refused request mints no install token: the node stays as it was, no install.boot event', async () => {
    assert.equal((await api('POST', '/nodeset', { noderange: 'f4', target: 'osimage=p1' })).status, 200);
    const before = (await api('GET', '/nodes/f4/boot-state')).body;
    const mark = await lastEventId();
    for (let i = 0; i < 3; i++) assert.equal((await raw(bootUrl, 'GET', `/boot.ipxe?mac=${MAC.guarded}`)).status, 403);
    assert.deepEqual((await api('GET', '/nodes/f4/boot-state')).body, before);
    assert.equal((await eventsAfter(mark, 'install.boot')).length, 0);
    assert.equal((await eventsAfter(mark, 'http.refused')).length, 3);
  });

  test('cached decisions follow nodeset at once (the next request sees it)', async () => {
    const get = async () => (await raw(bootUrl, 'GET', `/boot.ipxe?mac=${MAC.shell}`)).body;
    for (let i = 0; i < 3; i++) assert.match(await get(), /stage0\.mode=shell/);
    assert.equal((await api('POST', '/nodeset', { noderange: 'f2', target: 'boot' })).status, 200);
    assert.match(await get(), /\nexit 1\n/);
    assert.equal((await api('POST', '/nodeset', { noderange: 'f2', target: 'shell' })).status, 200);
    assert.match(await get(), /stage0\.mode=shell/);
  });

  test('cached decisions follow writes made through another store handle on the same database (another controller)', async () => {
    const get = async (m: string) => (await raw(bootUrl, 'GET', `/boot.ipxe?mac=${m}`)).body;
    for (let i = 0; i < 3; i++) assert.match(await get(MAC.shell), /stage0\.mode=shell/);
    for (let i = 0; i < 3; i++) assert.match(await get(MAC.none), /\nexit 1\n/);
    const other = await otherController(s.dataDir);
    try {
      // A boot state changed by the other controller: f2 from shell to rescue.
      const st = (await other.provisioning.bootStates.get('f2'))!;
      await other.provisioning.bootStates.putMany([{ ...st, target: 'rescue', updatedAt: new Date(Date.parse(st.updatedAt) + 1).toISOString() }]);
      assert.match(await get(MAC.shell), /stage0\.mode=rescue/);
      // An inventory change by the other controller: f0 (no state) gets its own kernel.
      await other.inventory.nodes.update('f0', { attrs: { 'boot.kernel': 'own/vmlinuz' } });
      assert.match(await get(MAC.none), /assets\/own\/vmlinuz/);
      // And a MAC moved to another node is seen under its new name.
      await other.inventory.nodes.update('f0', { macs: ['52:54:00:00:20:99'] });
      assert.match(await get(MAC.none), /unknown machine/);
    } finally {
      await other.inventory.close();
    }
  });

  test('withGeneration reads what generation() and list() read apart, for no node, one, several and an absent one', async () => {
    const other = await otherController(s.dataDir);
    try {
      const byNode = (a: readonly { node: string }[]) => [...a].sort((x, y) => x.node.localeCompare(y.node));
      for (const nodes of [[], ['f2'], ['f0'], ['f2', 'f4', 'f0', 'no-such-node']]) {
        const got = await other.provisioning.bootStates.withGeneration!(nodes);
        assert.equal(got.generation, await other.inventory.generation(), `generation for ${nodes}`);
        assert.deepEqual(byNode(got.states), byNode(await other.provisioning.bootStates.list(nodes)), `states for ${nodes}`);
      }
      const before = (await other.provisioning.bootStates.withGeneration!(['f2'])).generation;
      await other.inventory.nodes.update('f0', { attrs: { 'test.touch': String(before) } });
      assert.ok((await other.provisioning.bootStates.withGeneration!(['f2'])).generation > before, 'an inventory write moves the generation it reads');
    } finally {
      await other.inventory.close();
    }
  });

  test('an install script carries a new token on every request (never a cached one)', async () => {
    const token = async () => /stage0\.token=([A-Za-z0-9_-]+)/.exec((await raw(bootUrl, 'GET', `/boot.ipxe?mac=${MAC.install}`)).body)?.[1];
    const [a, b] = [await token(), await token()];
    assert.ok(a && b && a !== b, `${a} ${b}`);
  });
});

describe('bootScriptFastPath on a bare node:http server', () => {
  const seen: BootScriptRequest[] = [];
  const errors: unknown[] = [];
  let fail: unknown;
  const lean = bootScriptFastPath(async (r) => {
    seen.push(r);
    if (fail) throw fail;
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok\n' };
  }, (e) => errors.push(e));
  let base: string;
  const server = http.createServer((req, res) => {
    if (lean(req, res)) return;
    res.writeHead(599).end('declined');
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('declines what the app must answer: other paths and methods, a trailing slash, an encoded path, a body', async () => {
    for (const [m, p, body] of [['POST', '/boot.ipxe?mac=x'], ['GET', '/boot.ipxe/'], ['GET', '/boot%2Eipxe'], ['GET', '/boot/x'], ['GET', '/boot.ipxe', 'x']] as const)
      assert.equal((await raw(base, m, p, body)).status, 599, `${m} ${p}`);
    assert.equal(seen.length, 0);
  });

  test('takes GET and HEAD, hands the query MAC as parsed (plain, encoded, repeated) and the peer address', async () => {
    seen.length = 0;
    for (const q of ['?mac=52:54:00:00:00:01', '?mac=52%3A54%3A00%3A00%3A00%3A01', '?mac=a&mac=b', '', '?x=1']) assert.equal((await raw(base, 'GET', `/boot.ipxe${q}`)).status, 200);
    assert.equal((await raw(base, 'HEAD', '/boot.ipxe?mac=52:54:00:00:00:01')).body, '');
    assert.deepEqual(seen.map((r) => r.mac), ['52:54:00:00:00:01', '52:54:00:00:00:01', ['a', 'b'], undefined, undefined, '52:54:00:00:00:01']);
    assert.ok(seen.every((r) => r.ip === '127.0.0.1'));
  });

  test('a failure becomes problem+json (500 logged; a domain error keeps its status, unlogged below 500) with the security headers', async () => {
    fail = new Error('db down');
    const r = await raw(base, 'GET', '/boot.ipxe?mac=52:54:00:00:00:01');
    assert.equal(r.status, 500);
    assert.ok(r.headers.includes('content-type: application/problem+json; charset=utf-8'), r.headers.join('\n'));
    assert.ok(r.headers.includes('x-content-type-options: nosniff'));
    assert.deepEqual(JSON.parse(r.body).detail, 'internal error (see the server log)');
    assert.equal(errors.length, 1);
    fail = new DomainError('not-found', 'no such thing');
    assert.equal((await raw(base, 'GET', '/boot.ipxe?mac=52:54:00:00:00:01')).status, 404);
    assert.equal(errors.length, 1);
    fail = undefined;
  });
});
