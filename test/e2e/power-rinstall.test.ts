// rinstall over Redfish lab BMCs (VM-less) through a real stage0 and the CLI: nodeset osimage=<profile> on every
// node (boot state read back from the API), next boot network once, then power cycle (On when off); an unknown
// profile touches no BMC; a node whose BMC fails is named and the others go on.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { makeCert, startRedfishBmc, stateFileHost, type RedfishBmc } from '../../src/lab/redfish-bmc.ts';
import { runCli } from '../support/run-cli.ts';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';

const dir = mkdtempSync(path.join(tmpdir(), 's0t-rinstall-'));
const names = ['r1', 'r2', 'r3', 'r4'];
const hosts = new Map<string, ReturnType<typeof stateFileHost>>();
const bmcs = new Map<string, RedfishBmc>();
let s: TestServer;
const api = (method: string, p: string, body?: unknown) => call(s.url, method, `/api/v1${p}`, body);
const cli = (...args: string[]) => runCli(args, { STAGE0_URL: s.url });

before(async () => {
  s = await startTestServer('sqlite', { power: { concurrency: 4, timeoutMs: 3000 } });
  const tls = makeCert(dir);
  for (const n of names) {
    hosts.set(n, stateFileHost(path.join(dir, `${n}.json`)));
    bmcs.set(n, await startRedfishBmc({ host: hosts.get(n)!, username: 'root', password: 'pw', tls }));
  }
  await hosts.get('r2')!.reset('On'); // r2 is running: rinstall must cycle it, not just turn it on
  const doc = {
    apiVersion: 'stage0/v1',
    groups: [{ name: 'rack', attrs: { 'bmc.driver': 'redfish', 'bmc.address': '127.0.0.1', 'bmc.username': 'root', 'bmc.password': 'pw', 'bmc.insecure': true, firmware: 'bios' } }],
    nodes: names.map((n) => ({ name: n, groups: ['rack'], attrs: { 'bmc.port': bmcs.get(n)!.port } })),
  };
  assert.equal((await api('POST', '/inventory/apply', { document: doc })).status, 200);
  const p = await api('POST', '/profiles', { name: 'test-image', kernel: 'vmlinuz', initrd: 'initrd.gz', cmdline: 'console=ttyS0' });
  assert.equal(p.status, 201, JSON.stringify(p.body));
});
after(async () => {
  for (const b of bmcs.values()) await b.close();
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('an unknown profile is refused before any BMC is touched', async () => {
  const r = await cli('rinstall', 'rack', 'osimage=nope');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /profile 'nope' not found/);
  for (const n of names) assert.deepEqual(hosts.get(n)!.state().actions, n === 'r2' ? ['On'] : [], n);
  assert.equal((await cli('rinstall', 'rack', 'image=x')).code, 2);
});

it('rinstall rack osimage=test-image: boot state install/test-image, Pxe once (node firmware), On or PowerCycle', async () => {
  bmcs.get('r4')!.setMode('stall'); // r4's BMC hangs: named as failed, the others go on
  const r = await cli('rinstall', 'rack', 'osimage=test-image');
  bmcs.get('r4')!.setMode('answer');
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), [
    'r1: nodeset done, network boot once, power cycled', 'r2: nodeset done, network boot once, power cycled', 'r3: nodeset done, network boot once, power cycled',
    'r4: error (timeout): redfish: no answer within 3000 ms',
  ]);
  assert.match(r.stderr, /rinstall: 1 of 4 nodes failed: r4/);
  const states = await api('GET', '/boot-states?noderange=rack');
  assert.equal(states.status, 200, JSON.stringify(states.body));
  for (const st of states.body.items) assert.match(JSON.stringify(st), /"install".*test-image|test-image.*"install"/, JSON.stringify(st));
  for (const n of ['r1', 'r3']) {
    assert.deepEqual(hosts.get(n)!.state(), { power: 'On', actions: ['On'] }, n);
    assert.deepEqual({ ...bmcs.get(n)!.boot }, { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'Legacy' });
  }
  assert.deepEqual(hosts.get('r2')!.state(), { power: 'On', actions: ['On', 'PowerCycle'] });
  assert.deepEqual(hosts.get('r4')!.state().actions, []);
  // the timeline: boot state set (cause rinstall) before the power action, for each node that went through
  const ev = (await api('GET', '/events?nodes=r1&kind=boot-state.set,power.rinstall')).body.items as { kind: string; details: Record<string, unknown> }[];
  assert.deepEqual(ev.map((e) => e.kind), ['boot-state.set', 'power.rinstall']);
  assert.equal(ev[0]!.details.cause, 'rinstall');
  assert.equal(ev[1]!.details.ok, true);
});
