// stage0 profile / nodeset / template as operators type them: real CLI processes against a real server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { runCli } from '../support/run-cli.ts';

describe('stage0 provisioning CLI', () => {
  let s: TestServer;
  let env: Record<string, string>;
  let tpl: string;
  const cli = (...args: string[]) => runCli(args, env);
  before(async () => {
    tpl = await mkdtemp(path.join(tmpdir(), 's0-clitpl-'));
    await mkdir(path.join(tpl, 'site'));
    await writeFile(path.join(tpl, 'site', 'node.cfg'), 'host={{ node.name }} rack={{ node.rack }}\n');
    s = await startTestServer('sqlite', { boot: { httpBase: 'http://10.0.0.1:8080' }, provisioning: { templatesDir: tpl } });
    env = { STAGE0_URL: s.url };
    // Inventory setup through the API (the CLI for it has its own tests); each CLI process costs seconds.
    assert.equal((await call(s.url, 'POST', '/api/v1/nodes/bulk', { range: 'c[01-04]', groups: ['compute'] })).status, 201);
    assert.equal((await call(s.url, 'POST', '/api/v1/groups', { name: 'compute', attrs: { osimage: 'rocky9', rack: 'r7' } })).status, 201);
  });
  after(async () => {
    await s?.stop();
    await rm(tpl, { recursive: true, force: true });
  });

  test('profile add, ls, show, set, rm; bad input exits non-zero with the field', async () => {
    const add = await cli('profile', 'add', 'rocky9', 'kernel=rocky9/vmlinuz', 'initrd=rocky9/initrd.img', 'cmdline=console=ttyS0 inst.ks={{ callback }}/template', 'template=site/node.cfg', 'timeout=3600');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /created profile rocky9/);
    assert.equal((await cli('profile', 'set', 'rocky9', 'image=test-image')).code, 0);
    const show = JSON.parse((await cli('profile', 'show', 'rocky9', '--json')).stdout);
    assert.deepEqual([show.installTimeout, show.image], [3600, 'test-image']);
    const ls = await cli('profile', 'ls');
    assert.match(ls.stdout, /^rocky9\s+rocky9\/vmlinuz\s+rocky9\/initrd\.img\s+site\/node\.cfg\s+test-image$/m);
    const bad = await cli('profile', 'add', 'x', 'kernel=../etc/passwd');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /kernel/);
    assert.equal((await call(s.url, 'POST', '/api/v1/profiles', { name: 'gone', kernel: 'k' })).status, 201);
    assert.equal((await cli('profile', 'rm', 'gone')).code, 0);
    assert.equal((await cli('profile', 'show', 'gone')).code, 4);
  });

  test('nodeset osimage (inherited), stat table, --oneshot --expires, and refusals', async () => {
    const set = await cli('nodeset', 'compute,-c04', 'osimage', '--cause', 'ticket 9');
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^c01\s+install\s+rocky9\s+pending/m);
    const shell = await cli('nodeset', 'c04', 'shell', '--oneshot', '--expires', '2h', '--json');
    assert.equal(shell.code, 0, shell.stderr);
    const st = JSON.parse(shell.stdout)[0];
    assert.deepEqual([st.target, st.oneshot], ['shell', true]);
    assert.ok(Math.abs(Date.parse(st.expiresAt) - Date.now() - 7_200_000) < 60_000);
    const stat = await cli('nodeset', 'compute', 'stat');
    assert.equal(stat.code, 0, stat.stderr);
    const lines = stat.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NODE\s+NEXT BOOT\s+PROFILE\s+ONESHOT\s+EXPIRES\s+INSTALL/);
    assert.equal(lines.length, 5);
    assert.match(lines[4]!, /^c04\s+shell\s+yes/);
    const bad = await cli('nodeset', 'c01', 'reboot');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown nodeset target 'reboot'/);
  });

  test('template render previews for a node; template lint exits 1 naming node and variable', async () => {
    const r = await cli('template', 'render', 'c01');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'host=c01 rack=r7\n');
    assert.equal((await cli('template', 'lint', 'compute')).code, 0);
    assert.equal((await call(s.url, 'PATCH', '/api/v1/groups/compute', { attrs: { rack: null } })).status, 200);
    const lint = await cli('template', 'lint', 'compute');
    assert.equal(lint.code, 1, lint.stdout + lint.stderr);
    assert.match(lint.stdout, /^c01\s+site\/node\.cfg\s+1\s+node\.rack\s+/m);
    assert.match(lint.stderr, /c01: node\.rack/);
  });
});
