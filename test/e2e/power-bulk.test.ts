// Bulk power over a real stage0 and 24 Redfish lab BMCs (HTTPS emulators on loopback, no VMs) plus faulty ones:
// the concurrency bound holds (the emulators count requests in flight), results stream per node, the CLI prints one
// line per node and fails naming the bad nodes, every action lands on the node's timeline.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../../src/cli/api-client.ts';
import { makeCert, newGauge, startRedfishBmc, stateFileHost, type RedfishBmc } from '../../src/lab/redfish-bmc.ts';
import { execFile } from 'node:child_process';
import { runCli, STAGE0_BIN } from '../support/run-cli.ts';
import { call, startTestServer, testTokenFor, type TestServer } from '../support/stage0-server.ts';

const N = 24;
const BOUND = 5;
const TIMEOUT_MS = 2000;
const PW = 'lab-pw-1';
const dir = mkdtempSync(path.join(tmpdir(), 's0t-bulk-'));
const gauge = newGauge();
const hosts = new Map<string, ReturnType<typeof stateFileHost>>();
const bmcs = new Map<string, RedfishBmc>();
let s: TestServer;
let closedPort = 0;
const names = Array.from({ length: N }, (_, i) => `rf${String(i + 1).padStart(2, '0')}`);
const api = (method: string, p: string, body?: unknown) => call(s.url, method, `/api/v1${p}`, body);
type Result = { node: string; ok: boolean; result?: unknown; error?: string; errorCode?: string; ms: number };

async function freeClosedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

before(async () => {
  s = await startTestServer('sqlite', { power: { concurrency: BOUND, timeoutMs: TIMEOUT_MS } });
  const tls = makeCert(dir); // one certificate for all: one openssl run instead of 26
  for (const name of [...names, 'badpw', 'hung']) {
    hosts.set(name, stateFileHost(path.join(dir, `${name}.json`)));
    bmcs.set(name, await startRedfishBmc({ host: hosts.get(name)!, username: 'root', password: PW, serial: `SN-${name}`, tls, delayMs: 30, gauge }));
  }
  bmcs.get('hung')!.setMode('stall-after-login');
  closedPort = await freeClosedPort();
  const port = (n: string) => ({ 'bmc.port': bmcs.get(n)!.port });
  const doc = {
    apiVersion: 'stage0/v1',
    groups: [{ name: 'lab', attrs: { 'bmc.driver': 'redfish', 'bmc.address': '127.0.0.1', 'bmc.username': 'root', 'bmc.password': PW, 'bmc.insecure': true } }],
    nodes: [
      ...names.map((n) => ({ name: n, groups: ['lab'], attrs: port(n) })),
      { name: 'badpw', groups: ['lab'], attrs: { ...port('badpw'), 'bmc.password': 'not-the-password' } },
      { name: 'hung', groups: ['lab'], attrs: port('hung') },
      { name: 'closed', groups: ['lab'], attrs: { 'bmc.port': closedPort } },
    ],
  };
  const r = await api('POST', '/inventory/apply', { document: doc });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});
after(async () => {
  for (const b of bmcs.values()) await b.close();
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('rpower all stat over 24 lab BMCs and 3 faulty ones', () => {
  it(`answers every node, never more than ${BOUND} BMCs at once, faults per node within the timeout`, async () => {
    gauge.max = 0;
    const t0 = performance.now();
    const r = await api('POST', '/power/rpower', { noderange: 'all', state: 'stat' });
    const wall = performance.now() - t0;
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const byNode = new Map<string, Result>(r.body.items.map((x: Result) => [x.node, x]));
    assert.equal(byNode.size, N + 3);
    for (const n of names) assert.deepEqual([n, byNode.get(n)!.ok, byNode.get(n)!.result], [n, true, 'off']);
    assert.deepEqual([...r.body.failed].sort(), ['badpw', 'closed', 'hung']);
    assert.equal(byNode.get('badpw')!.errorCode, 'auth');
    assert.match(byNode.get('badpw')!.error!, /authentication failed/);
    assert.equal(byNode.get('closed')!.errorCode, 'unreachable');
    assert.match(byNode.get('closed')!.error!, /ECONNREFUSED/);
    const hung = byNode.get('hung')!;
    assert.equal(hung.errorCode, 'timeout');
    assert.match(hung.error!, new RegExp(`no answer within ${TIMEOUT_MS} ms`));
    assert.ok(hung.ms >= TIMEOUT_MS - 50 && hung.ms < TIMEOUT_MS + 1000, `hung node took ${hung.ms} ms`);
    assert.ok(gauge.max <= BOUND, `max in flight ${gauge.max} > ${BOUND}`);
    assert.ok(gauge.max >= 2, `max in flight ${gauge.max}: no concurrency at all`);
    assert.ok(wall < TIMEOUT_MS + 5000, `took ${wall} ms`);
    console.log(`# rpower all stat: ${N + 3} nodes (${N} ok, 3 faulty), bound ${BOUND}, max in flight ${gauge.max}, wall ${Math.round(wall)} ms`);
  });

  it(`two operators at once: rpower and rinv together still keep at most ${BOUND} BMCs in flight`, async () => {
    gauge.max = 0;
    const [a, b] = await Promise.all([api('POST', '/power/rpower', { noderange: 'rf[01-24]', state: 'stat' }), api('POST', '/power/rinv', { noderange: 'rf[01-24]' })]);
    assert.deepEqual([a.body.failed, b.body.failed], [[], []]);
    assert.equal(a.body.items.length + b.body.items.length, 2 * N);
    assert.ok(gauge.max <= BOUND && gauge.max >= 2, `max in flight ${gauge.max}`);
  });

  it('streams: the first nodes arrive long before the hung BMC times out (NDJSON, header and summary lines)', async () => {
    const client = new ApiClient(s.url, testTokenFor(s.url)); // the CLI's own streaming client, as the test admin
    const t0 = performance.now();
    const seen: { at: number; line: Record<string, unknown> }[] = [];
    for await (const line of client.lines('POST', '/power/rpower', { noderange: 'lab', state: 'stat' })) seen.push({ at: performance.now() - t0, line: line as Record<string, unknown> });
    assert.deepEqual(seen[0]!.line, { command: 'rpower', total: N + 3 });
    assert.deepEqual(seen.at(-1)!.line, { done: true, total: N + 3, ok: N, failed: seen.at(-1)!.line.failed });
    const nodes = seen.filter((x) => typeof x.line.node === 'string');
    assert.equal(nodes.length, N + 3);
    // one line per node as each finishes: the first ones arrive long before the hung BMC's timeout ends its line
    const hung = nodes.find((x) => x.line.node === 'hung')!;
    assert.ok(hung.at >= TIMEOUT_MS - 50, `hung after ${hung.at} ms`);
    assert.ok(nodes[0]!.at < hung.at - TIMEOUT_MS / 2, `first node after ${nodes[0]!.at} ms, hung after ${hung.at} ms`);
  });

  it('CLI: one line per node as "name: state", exit 1 naming the failed nodes; --json gives one object per line', async () => {
    const r = await runCli(['rpower', 'all', 'stat'], { STAGE0_URL: s.url });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, N + 3, r.stdout);
    for (const n of names) assert.ok(lines.includes(`${n}: off`), `${n} missing in\n${r.stdout}`);
    assert.match(lines.find((l) => l.startsWith('badpw: '))!, /^badpw: error \(auth\): redfish: authentication failed/);
    assert.match(lines.find((l) => l.startsWith('closed: '))!, /^closed: error \(unreachable\): .*ECONNREFUSED/);
    assert.match(lines.find((l) => l.startsWith('hung: '))!, /^hung: error \(timeout\): redfish: no answer within 2000 ms/);
    assert.match(r.stderr, /rpower: 3 of 27 nodes failed: /);
    for (const n of ['badpw', 'closed', 'hung']) assert.match(r.stderr, new RegExp(`\\b${n}\\b`));
    assert.doesNotMatch(r.stderr, /\[#/, 'no progress bar when stderr is not a terminal');

    const j = await runCli(['rpower', 'rf[01-03]', 'stat', '--json'], { STAGE0_URL: s.url });
    assert.equal(j.code, 0, j.stderr);
    const objs = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as Result);
    assert.deepEqual(objs.map((o) => [o.node, o.ok, o.result]).sort(), [['rf01', true, 'off'], ['rf02', true, 'off'], ['rf03', true, 'off']]);
    assert.equal((await runCli(['rpower', 'rf01', 'dance'], { STAGE0_URL: s.url })).code, 2);
    const anon = await runCli(['rpower', 'rf01', 'stat'], { STAGE0_URL: s.url, STAGE0_TOKEN: '' });
    assert.equal(anon.code, 6, anon.stderr); // not logged in: the streamed command fails like any other
    assert.match(anon.stderr, /authentication required.*stage0 login/);
  });

  it('CLI on a terminal: a progress bar on stderr, redrawn and cleared around each result line', async () => {
    // script(1) gives the CLI a pseudo-terminal, so stderr.isTTY is true as for an operator
    const cmd = `${STAGE0_BIN} rpower 'rf[01-08]' stat`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, STAGE0_URL: s.url, STAGE0_TOKEN: testTokenFor(s.url) ?? '' }, timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
    assert.match(out, /\[#+ *\] \d+\/8/, 'a bar with done/total');
    assert.match(out, /\r\x1b\[K/, 'the bar is cleared before each line');
    const lines = out.replace(/\x1b\[K|\[[# ]+\] \d+\/8( \d+ failed)?|\r/g, '').split('\n').filter(Boolean);
    assert.deepEqual(lines.sort(), names.slice(0, 8).map((n) => `${n}: off`));
  });

  it('rpower on, rsetboot net, rinv over a range drive each BMC; every action is on the node\'s timeline', async () => {
    const on = await runCli(['rpower', 'rf[01-10]', 'on'], { STAGE0_URL: s.url });
    assert.equal(on.code, 0, on.stderr);
    for (const n of names.slice(0, 10)) assert.equal(hosts.get(n)!.state().power, 'On', n);
    assert.equal(hosts.get('rf11')!.state().power, 'Off');
    const boot = await runCli(['rsetboot', 'rf[01-12]', 'net', '--bios'], { STAGE0_URL: s.url });
    assert.equal(boot.code, 0, boot.stderr);
    assert.ok(boot.stdout.includes('rf05: net (next boot only, bios)'), boot.stdout);
    for (const n of names.slice(0, 12)) assert.deepEqual({ ...bmcs.get(n)!.boot }, { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'Legacy' });
    const persist = await runCli(['rsetboot', 'rf01', 'hd', '--persistent'], { STAGE0_URL: s.url });
    assert.equal(persist.code, 0, persist.stderr);
    assert.equal(bmcs.get('rf01')!.boot.BootSourceOverrideEnabled, 'Continuous');
    const inv = await runCli(['rinv', 'rf[01-04]'], { STAGE0_URL: s.url });
    assert.equal(inv.code, 0, inv.stderr);
    assert.deepEqual(inv.stdout.trim().split('\n').sort(), ['rf01', 'rf02', 'rf03', 'rf04'].map((n) => `${n}: vendor=stage0-lab model=RF-Sim serial=SN-${n}`));
    let kinds: string[] = [];
    // Events are written in batches: wait (bounded) until the last command's event is visible, not for a count
    // (earlier tests in this file add power.rpower events of their own).
    for (let i = 0; i < 200 && kinds.at(-1) !== 'power.rinv'; i++) {
      kinds = (await api('GET', '/events?nodes=rf01&kind=power.rpower,power.rsetboot,power.rinv')).body.items.map((e: { kind: string }) => e.kind);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(kinds.slice(-4), ['power.rpower', 'power.rsetboot', 'power.rsetboot', 'power.rinv']);
    const hungEvents = (await api('GET', '/events?nodes=hung&kind=power.rpower')).body.items;
    assert.ok(hungEvents.length >= 1 && hungEvents.every((e: { details: { ok: boolean; errorCode: string } }) => !e.details.ok && e.details.errorCode === 'timeout'));
  });
});
