// BMC passwords through a real stage0 (SQLite file): sealed on every write path, never in an API answer,
// opened only for the driver (rpower against a Redfish lab BMC with that password works).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import Database from 'better-sqlite3';
import { startRedfishBmc, stateFileHost, type RedfishBmc } from '../../src/lab/redfish-bmc.ts';
import { createSecretBox, loadSecretKey } from '../../src/power/secret-box.ts';
import { runCli } from '../support/run-cli.ts';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';

const PW = 'Sup3r-s3cret!';
let s: TestServer;
let bmc: RedfishBmc;
const dir = mkdtempSync(path.join(tmpdir(), 's0t-pwsecret-'));
const api = (method: string, p: string, body?: unknown) => call(s.url, method, `/api/v1${p}`, body);

/** The raw stored rows, read straight from the database file. */
function rawRows(): string {
  const db = new Database(path.join(s.dataDir, 'stage0.db'), { readonly: true });
  try {
    return JSON.stringify([db.prepare('SELECT * FROM nodes').all(), db.prepare('SELECT * FROM groups').all(), db.prepare('SELECT * FROM site').all(), db.prepare('SELECT * FROM events').all()]);
  } finally {
    db.close();
  }
}

before(async () => {
  s = await startTestServer('sqlite');
  bmc = await startRedfishBmc({ host: stateFileHost(path.join(dir, 'n1.json')), username: 'root', password: PW });
});
after(async () => {
  await bmc?.close();
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('node create/update, group, site and apply store only sealed values; no answer carries one', async () => {
  const attrs = { 'bmc.driver': 'redfish', 'bmc.address': '127.0.0.1', 'bmc.port': bmc.port, 'bmc.username': 'root', 'bmc.password': PW, 'bmc.insecure': true };
  const created = await api('POST', '/nodes', { name: 'n1', attrs });
  assert.equal(created.status, 201);
  assert.equal(created.body.attrs['bmc.password'], '[redacted]');
  assert.equal((await api('POST', '/groups', { name: 'rack1', attrs: { 'bmc.password': 'group-pw' } })).status, 201);
  assert.equal((await api('PATCH', '/site', { attrs: { 'bmc.password': 'site-pw' } })).status, 200);
  assert.equal((await api('POST', '/nodes/bulk', { range: 'm[1-2]', groups: ['rack1'], attrs: { 'bmc.password': 'bulk-pw' } })).status, 201);
  // the key is the server's: open the stored values with it
  const box = createSecretBox(loadSecretKey({ dataDir: s.dataDir }));
  const db = new Database(path.join(s.dataDir, 'stage0.db'), { readonly: true });
  const stored = JSON.parse((db.prepare("SELECT attrs FROM nodes WHERE name = 'n1'").get() as { attrs: string }).attrs)['bmc.password'];
  db.close();
  assert.match(stored, /^s0enc:v1:/);
  assert.equal(box.open(stored), PW);
  // a change of other attributes keeps the same sealed value
  assert.equal((await api('PATCH', '/nodes/n1', { attrs: { ip: '10.0.0.1' } })).status, 200);
  // apply: the same plain password plans no change; an exported document ([redacted]) applies back unchanged
  const doc = { apiVersion: 'stage0/v1', nodes: [{ name: 'n1', attrs: { ...attrs, ip: '10.0.0.1' } }] };
  const first = await api('POST', '/inventory/apply', { document: doc });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body.changes, []);
  const exported = await api('GET', '/inventory/export');
  assert.equal(exported.body.nodes.find((n: { name: string }) => n.name === 'n1').attrs['bmc.password'], '[redacted]');
  const back = await api('POST', '/inventory/apply', { document: exported.body });
  assert.deepEqual(back.body.changes, []);
  const changed = await api('POST', '/inventory/apply', { document: { apiVersion: 'stage0/v1', nodes: [{ name: 'm3', attrs: { 'bmc.password': 'apply-pw' } }] } });
  assert.equal(changed.body.applied, true);

  const raw = rawRows();
  for (const plain of [PW, 'group-pw', 'site-pw', 'bulk-pw', 'apply-pw']) assert.ok(!raw.includes(plain), `${plain} stored in clear`);
  assert.ok((raw.match(/s0enc:v1:/g) ?? []).length >= 6);

  const answers = await Promise.all(
    ['/nodes', '/nodes?effective=true&provenance=true', '/nodes/n1', '/nodes/n1?effective=true&provenance=true', '/nodes?range=all&effective=true',
      '/groups', '/groups/rack1', '/site', '/events', '/inventory/export'].map((p) => api('GET', p)),
  );
  for (const a of answers) {
    assert.equal(a.status, 200);
    const text = JSON.stringify(a.body);
    assert.ok(!/s0enc:|Sup3r|group-pw|site-pw|bulk-pw|apply-pw/.test(text), text.slice(0, 300));
  }
  assert.equal((await api('GET', '/nodes/m1?effective=true&provenance=true')).body.provenance['bmc.password'].value, '[redacted]');
});

it('xCAT mkdef and nodech through the CLI seal the password; lsdef shows it redacted', async () => {
  const env = { STAGE0_URL: s.url };
  const mk = await runCli(['mkdef', '-t', 'node', '-o', 'x1', 'bmc.address=10.1.1.1', 'bmc.password=mkdef-pw'], env);
  assert.equal(mk.code, 0, mk.stderr);
  const ch = await runCli(['nodech', 'x1', 'bmc.password=nodech-pw'], env);
  assert.equal(ch.code, 0, ch.stderr);
  const ls = await runCli(['lsdef', 'x1'], env);
  assert.match(ls.stdout, /bmc\.password=\[redacted\]/);
  const raw = rawRows();
  assert.ok(!raw.includes('mkdef-pw') && !raw.includes('nodech-pw'), 'stored in clear');
  const box = createSecretBox(loadSecretKey({ dataDir: s.dataDir }));
  const db = new Database(path.join(s.dataDir, 'stage0.db'), { readonly: true });
  const stored = JSON.parse((db.prepare("SELECT attrs FROM nodes WHERE name = 'x1'").get() as { attrs: string }).attrs)['bmc.password'];
  db.close();
  assert.equal(box.open(stored), 'nodech-pw');
});

it('a sealed value from another key is refused; "[redacted]" on a new node is refused', async () => {
  const foreign = createSecretBox(Buffer.alloc(32, 9)).seal('x');
  const r = await api('PATCH', '/nodes/n1', { attrs: { 'bmc.password': foreign } });
  assert.equal(r.status, 422);
  assert.match(r.body.detail, /another key/);
  assert.equal((await api('POST', '/nodes', { name: 'n9', attrs: { 'bmc.password': '[redacted]' } })).status, 422);
});

it('the driver gets the opened password: rpower stat and on through the API, each on the timeline', async () => {
  const stat = await api('POST', '/power/rpower', { noderange: 'n1', state: 'stat' });
  assert.equal(stat.status, 200, JSON.stringify(stat.body));
  assert.deepEqual(stat.body.items.map((r: { node: string; ok: boolean; result: string }) => [r.node, r.ok, r.result]), [['n1', true, 'off']]);
  const on = await api('POST', '/power/rpower', { noderange: 'n1', state: 'on' });
  assert.equal(on.body.items[0].ok, true);
  assert.equal((await api('POST', '/power/rpower', { noderange: 'n1', state: 'stat' })).body.items[0].result, 'on');
  // m1: its password (from bulk) is wrong for no BMC at all: no address -> a clear per-node error, not a 500
  const m = await api('POST', '/power/rpower', { noderange: 'm1,n1', state: 'stat' });
  assert.deepEqual(m.body.failed, ['m1']);
  assert.match(m.body.items.find((r: { node: string }) => r.node === 'm1').error, /bmc\.address is not set/);
  let events: { kind: string; details: Record<string, unknown> }[] = [];
  for (let i = 0; i < 50 && events.length < 4; i++) {
    events = (await api('GET', '/events?nodes=n1&kind=power.rpower')).body.items;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(events.map((e) => [e.details.action, e.details.ok, e.details.result]).slice(0, 3), [[{ op: 'status' }, true, 'off'], [{ op: 'on' }, true, 'ok'], [{ op: 'status' }, true, 'on']]);
  assert.ok(!JSON.stringify(events).includes(PW));
});

it('bad requests: unknown state 400, unknown node 422', async () => {
  assert.equal((await api('POST', '/power/rpower', { noderange: 'n1', state: 'explode' })).status, 400);
  const unknown = await api('POST', '/power/rpower', { noderange: 'nope', state: 'stat' });
  assert.equal(unknown.status, 422);
  assert.match(unknown.body.detail, /nope/);
});
