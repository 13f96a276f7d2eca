// The inventory REST API over real HTTP, against a real SQLite file and a real PostgreSQL 15 server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type StoreKind, type TestServer } from '../support/stage0-server.ts';

function assertProblem(r: { status: number; headers: Headers; body: any }, status: number, field?: string, detail?: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.title, 'string');
  assert.equal(typeof r.body.detail, 'string');
  if (field) assert.ok(r.body.errors?.some((e: { field: string }) => e.field === field), `expected field ${field} in ${JSON.stringify(r.body.errors)}`);
  if (detail) assert.match(r.body.detail, detail);
}

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`inventory API on ${kind}`, () => {
    let s: TestServer;
    const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, `/api/v1${path}`, body, headers);
    before(async () => {
      s = await startTestServer(kind);
    });
    after(async () => {
      await s?.stop();
    });

    test('create a node, read it with an ETag, refuse a stale If-Match with 412', async () => {
      const created = await api('POST', '/nodes', { name: 'n01', macs: ['52:54:00:AA:00:01'], groups: ['compute'], attrs: { rack: 'r1' } });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.macs, ['52:54:00:aa:00:01']);
      const etag = created.headers.get('etag')!;
      const first = await api('PATCH', '/nodes/n01', { attrs: { rack: 'r2' } }, { 'if-match': etag });
      assert.equal(first.status, 200);
      assert.notEqual(first.headers.get('etag'), etag);
      const second = await api('PATCH', '/nodes/n01', { attrs: { rack: 'r3' } }, { 'if-match': etag });
      assertProblem(second, 412, undefined, /changed by someone else/);
      assert.equal((await api('GET', '/nodes/n01')).body.attrs.rack, 'r2', 'the stale write changed nothing');
    });

    test('duplicate name and duplicate MAC are 409 naming the field', async () => {
      assertProblem(await api('POST', '/nodes', { name: 'n01' }), 409, 'name', /n01/);
      assertProblem(await api('POST', '/nodes', { name: 'n99', macs: ['52-54-00-aa-00-01'] }), 409, 'macs', /52:54:00:aa:00:01/);
      assert.equal((await api('GET', '/nodes/n99')).status, 404);
    });

    test('bad input is a 4xx problem naming the field', async () => {
      assertProblem(await api('POST', '/nodes', { name: 'n02', attrs: { ip: '10.0.0.300' } }), 422, 'attrs.ip', /IPv4/);
      assertProblem(await api('POST', '/nodes', { name: 'n02', attrs: { ip: { a: 1 } } }), 400, 'attrs.ip');
      assertProblem(await api('POST', '/nodes', { name: 'n02', color: 'red' }), 400, 'color', /unknown field/);
      assertProblem(await api('POST', '/nodes', { name: 'n02', macs: ['not-a-mac-at-all'] }), 422, 'macs[0]');
      assertProblem(await api('POST', '/nodes', {}), 400, 'name');
      assertProblem(await api('GET', '/nodes?range=n[01-'), 422, 'noderange', /position/);
      assertProblem(await api('GET', '/nodes?range=nosuchgroup'), 422, 'noderange', /nosuchgroup/);
      assertProblem(await api('PATCH', '/nodes/n01', { attrs: {} }, { 'if-match': 'garbage' }), 400, 'If-Match');
      assertProblem(await api('GET', '/nodes/nope'), 404);
    });

    test('a range is created all or nothing', async () => {
      const ok = await api('POST', '/nodes/bulk', { range: 'node[01-20]', groups: ['compute', 'rack1'] });
      assert.equal(ok.status, 201);
      assert.equal(ok.body.items.length, 20);
      const clash = await api('POST', '/nodes/bulk', { range: 'node[15-25]', groups: ['rack2'] });
      assertProblem(clash, 409, 'name', /node15/);
      const after = await api('GET', '/nodes?range=node[21-25]');
      assertProblem(after, 422, 'noderange', /node21/);
    });

    test('effective attributes inherit site ← groups in order ← node, with provenance and computed values', async () => {
      assert.equal((await api('PATCH', '/site', { attrs: { domain: 'lab.example', ntp: '10.0.0.1' } })).status, 200);
      assert.equal((await api('POST', '/groups', { name: 'compute', attrs: { ip: '|node(\\d+)|10.0.0.($1+0)|', ntp: '10.0.0.2' } })).status, 201);
      assert.equal((await api('POST', '/groups', { name: 'rack1', attrs: { ntp: '10.0.1.1', rack: 'r1' } })).status, 201);
      assert.equal((await api('PATCH', '/nodes/node07', { attrs: { rack: 'r7' } })).status, 200);
      const r = await api('GET', '/nodes/node07?effective=true&provenance=true');
      assert.equal(r.status, 200);
      assert.equal(r.body.effective.ip, '10.0.0.7');
      assert.equal(r.body.effective.domain, 'lab.example');
      assert.equal(r.body.effective.ntp, '10.0.1.1', 'rack1 comes after compute and wins');
      assert.equal(r.body.effective.rack, 'r7', 'the node wins');
      assert.deepEqual(r.body.provenance.ip.from, { kind: 'group', name: 'compute' });
      assert.equal(r.body.provenance.ip.computed, '|node(\\d+)|10.0.0.($1+0)|');
      assert.deepEqual(r.body.provenance.domain.from, { kind: 'site' });
      assert.deepEqual(r.body.provenance.rack.from, { kind: 'node' });
      const list = await api('GET', '/nodes?range=compute,-node03&effective=true&limit=5&offset=1');
      assert.equal(list.body.total, 20, 'n01 and node01-20 are in compute; node03 is excluded');
      assert.deepEqual(list.body.items.map((n: any) => n.name), ['node01', 'node02', 'node04', 'node05', 'node06']);
      assert.equal(list.body.items[2].effective.ip, '10.0.0.4');
      const sparse = await api('GET', '/nodes?range=node0[1-2]&effective=true&fields=name,effective');
      assert.deepEqual(Object.keys(sparse.body.items[0]).sort(), ['effective', 'name']);
      assert.equal(sparse.body.items[1].effective.ip, '10.0.0.2');
      assertProblem(await api('GET', '/nodes?fields=name,password'), 400, 'querystring.fields');
    });

    test('bulk change over a noderange, and removing a group row keeps membership', async () => {
      const r = await api('PATCH', '/nodes?range=rack1@compute,-node[11-20]', { attrs: { role: 'worker' } });
      assert.equal(r.status, 200);
      assert.equal(r.body.items.length, 10);
      const bad = await api('PATCH', '/nodes?range=node[01-20]', { attrs: { 'bmc.port': 'abc' } });
      assertProblem(bad, 422, 'attrs.bmc.port');
      assert.equal((await api('GET', '/nodes/node01')).body.attrs['bmc.port'], undefined, 'nothing half-written');
      assert.equal((await api('DELETE', '/groups/rack1')).status, 204);
      assert.deepEqual((await api('GET', '/nodes/node01')).body.groups, ['compute', 'rack1']);
    });

    test('events record every change with actor, node and details; filter by noderange and kind', async () => {
      const r = await api('GET', '/events?nodes=n01&kind=node.created,node.updated');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.items.map((e: any) => e.kind), ['node.created', 'node.updated']);
      assert.equal(r.body.items[1].details.after.attrs.rack, 'r2');
      const ids = r.body.items.map((e: any) => e.id);
      assert.ok(ids[0] < ids[1]);
    });

    test('pagination and deletion of a range', async () => {
      const page = await api('GET', '/nodes?limit=7&offset=14');
      assert.equal(page.body.limit, 7);
      assert.equal(page.body.offset, 14);
      assert.equal(page.body.total, 21);
      assert.equal(page.body.items.length, 7);
      const del = await api('DELETE', '/nodes?range=node[16-20]');
      assert.equal(del.status, 200);
      assert.equal(del.body.removed.length, 5);
      assert.equal((await api('GET', '/nodes?limit=1')).body.total, 16);
    });

    test('the OpenAPI document lists the routes with their schemas', async () => {
      const r = await api('GET', '/openapi.json');
      assert.equal(r.status, 200);
      assert.equal(r.body.openapi, '3.1.0');
      for (const p of ['/api/v1/nodes', '/api/v1/nodes/{name}', '/api/v1/groups', '/api/v1/site', '/api/v1/events']) assert.ok(r.body.paths[p], p);
      assert.ok(r.body.paths['/api/v1/nodes'].post.requestBody);
    });
  });
}
