// The stage0 CLI as operators use it: real processes against a real server on a real SQLite file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/stage0-server.ts';
import { runCli } from '../support/run-cli.ts';

describe('stage0 CLI', () => {
  let s: TestServer;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);
  before(async () => {
    s = await startTestServer('sqlite');
    env = { STAGE0_URL: s.url };
  });
  after(async () => {
    await s?.stop();
  });

  test('nodeadd a range, then nodels with an exclusion and an attribute as JSON', async () => {
    const add = await cli('nodeadd', 'n[01-20]', 'groups=compute,rack1');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /created 20 nodes/);
    const group = await cli('group', 'add', 'compute', 'ip=|n(\\d+)|10.0.0.($1+0)|');
    assert.equal(group.code, 0, group.stderr);
    const ls = await cli('nodels', 'compute,-n03', 'ip', '--json');
    assert.equal(ls.code, 0, ls.stderr);
    const rows = JSON.parse(ls.stdout) as { name: string; ip: string }[];
    assert.equal(rows.length, 19);
    assert.deepEqual(rows[0], { name: 'n01', ip: '10.0.0.1' });
    assert.ok(!rows.some((r) => r.name === 'n03'));
    assert.deepEqual(rows.at(-1), { name: 'n20', ip: '10.0.0.20' });
  });

  test('human table and provenance', async () => {
    assert.equal((await cli('site', 'set', 'domain=lab.example')).code, 0);
    const table = await cli('node', 'ls', 'n0[1-2]', 'ip', 'groups');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NODE\s+ip\s+groups\nn01\s+10\.0\.0\.1\s+compute,rack1\nn02\s+10\.0\.0\.2\s+compute,rack1\n$/);
    const prov = await cli('nodels', 'n07', '--provenance');
    assert.equal(prov.code, 0, prov.stderr);
    assert.match(prov.stdout, /n07\s+domain\s+lab\.example\s+site/);
    assert.match(prov.stdout, /n07\s+ip\s+10\.0\.0\.7\s+group compute\s+\|n\(\\d\+\)\|10\.0\.0\.\(\$1\+0\)\|/);
  });

  test('nodech, mkdef and lsdef', async () => {
    assert.equal((await cli('nodech', 'n0[1-4]', 'console=ttyS0', 'rack=r1')).code, 0);
    assert.equal((await cli('mkdef', '-t', 'node', '-o', 'm01', 'groups=compute', 'mac=52:54:00:00:00:01')).code, 0);
    const def = await cli('lsdef', 'm01');
    assert.equal(def.code, 0, def.stderr);
    assert.match(def.stdout, /^Object name: m01\n/);
    assert.match(def.stdout, /\n    mac=52:54:00:00:00:01\n/);
    assert.match(def.stdout, /\n    groups=compute\n/);
    const n02 = JSON.parse((await cli('nodels', 'n02', 'console', 'rack', '--json')).stdout);
    assert.deepEqual(n02, [{ name: 'n02', console: 'ttyS0', rack: 'r1' }]);
    assert.equal((await cli('nodech', 'n02', 'rack=')).code, 0, 'an empty value removes the attribute');
    assert.deepEqual(JSON.parse((await cli('nodels', 'n02', 'rack', '--json')).stdout), [{ name: 'n02', rack: null }]);
  });

  test('errors: one clear line on stderr and a non-zero exit', async () => {
    const badRange = await cli('nodels', 'n[01-');
    assert.notEqual(badRange.code, 0);
    assert.match(badRange.stderr, /^stage0: .*position/);
    assert.equal(badRange.stderr.trim().split('\n').length, 1);
    const dup = await cli('nodeadd', 'x01', 'mac=52:54:00:00:00:01');
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /52:54:00:00:00:01/);
    const badType = await cli('nodech', 'n01', 'ip=10.0.0.300');
    assert.notEqual(badType.code, 0);
    assert.match(badType.stderr, /ip/);
    const down = await runCli(['nodels'], { STAGE0_URL: 'http://127.0.0.1:9' });
    assert.equal(down.code, 3);
    assert.match(down.stderr, /cannot reach stage0 at http:\/\/127\.0\.0\.1:9/);
  });

  test('events show the timeline of a node', async () => {
    const ev = await cli('events', 'n02', '--json');
    assert.equal(ev.code, 0, ev.stderr);
    const kinds = (JSON.parse(ev.stdout) as { kind: string }[]).map((e) => e.kind);
    assert.deepEqual(kinds, ['node.created', 'node.updated', 'node.updated']);
  });

  test('export then apply is idempotent; apply creates and updates from YAML', async () => {
    const exported = await cli('export');
    assert.equal(exported.code, 0, exported.stderr);
    const dir = await mkdtemp(path.join(tmpdir(), 's0-cli-'));
    const file = path.join(dir, 'inv.yaml');
    await writeFile(file, exported.stdout);
    const again = await cli('apply', '-f', file);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), 'no change');

    const doc = path.join(dir, 'new.yaml');
    await writeFile(
      doc,
      [
        'apiVersion: stage0/v1',
        'groups:',
        '  - name: storage',
        '    attrs: { disk: nvme }',
        'nodes:',
        '  - name: s01',
        '    macs: [52:54:00:00:01:01]',
        '    groups: [storage]',
        '  - name: n01',
        '    groups: [compute, rack1]',
        '    attrs: { console: ttyS1, rack: r1 }',
        '',
      ].join('\n'),
    );
    const first = await cli('apply', '-f', doc);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /3 changes applied/);
    const second = await cli('apply', '-f', doc);
    assert.equal(second.stdout.trim(), 'no change');
    assert.deepEqual(JSON.parse((await cli('nodels', 's01', 'disk', '--json')).stdout), [{ name: 's01', disk: 'nvme' }]);
  });

  test('config check names the wrong key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's0-cfg-'));
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'dhcp:\n  mode: authoritative\n  interfaces: [br0]\n  subnets:\n    - cidr: 10.0.0.0/24\n      pool: [{ start: 10.0.0.10, end: 10.0.9.5 }]\nboot: { httpBase: "http://10.0.0.1:8080" }\n');
    const r = await cli('config', 'check', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dhcp\.subnets\[0\]\.pool\[0\]\.end: 10\.0\.9\.5 is outside 10\.0\.0\.0\/24/);
  });
});
