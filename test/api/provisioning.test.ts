// Provisioning over a real stage0 (HTTP, SQLite and PostgreSQL): profiles, nodeset, the boot decision, install callbacks and tokens.
// Firmware and installer endpoints (/boot.ipxe, /api/v1/install/<token>/…) carry no user credentials by design, so
// they are fetched directly, exactly as iPXE and busybox wget do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';

const HTTP_BASE = 'http://10.0.0.1:8080';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mac = (i: number) => `52:54:00:00:10:${i.toString(16).padStart(2, '0')}`;

// Both stores: the boot decision, tokens and the sweeper run real SQL on each.
for (const kind of ['sqlite', 'postgres'] as const) describe(`provisioning API (${kind})`, () => {
  let s: TestServer;
  let tpl: string;
  const api = (m: string, p: string, b?: unknown) => call(s.url, m, `/api/v1${p}`, b);
  const script = async (m: string) => (await fetch(`${s.url}/boot.ipxe?mac=${m}`)).text();
  const tokenIn = (text: string) => /stage0\.token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  const install = (token: string, p: string, init: RequestInit = {}) => fetch(`${s.url}/api/v1/install/${token}${p}`, init);
  const events = async (node: string, kind: string) => (await api('GET', `/events?nodes=${node}&kind=${kind}`)).body.items as { actor: string; node: string | null; kind: string; details: Record<string, unknown> }[];
  const state = async (node: string) => (await api('GET', `/nodes/${node}/boot-state`)).body;

  before(async () => {
    tpl = await mkdtemp(path.join(tmpdir(), 's0-tpl-'));
    await mkdir(path.join(tpl, 'site'));
    await writeFile(path.join(tpl, 'site', 'rack.ks'), 'rack={{ node.rack }}\nurl={{ callback }}/done\nimage={{ image.url }}\n');
    s = await startTestServer(kind, {
      boot: { httpBase: HTTP_BASE, default: { kernel: 'env/vmlinuz', initrd: 'env/initrd.gz', cmdline: 'console=ttyS0' } },
      provisioning: { templatesDir: tpl, sweepIntervalMs: 50 },
    });
    assert.equal((await api('POST', '/profiles', { name: 'rocky9', kernel: 'rocky9/vmlinuz', initrd: 'rocky9/initrd.img', cmdline: 'console=ttyS0 inst.ks={{ callback }}/template', template: 'site/rack.ks' })).status, 201);
    assert.equal((await api('POST', '/groups', { name: 'rack1', attrs: { osimage: 'rocky9', rack: 'r1' } })).status, 201);
    for (let i = 1; i <= 12; i++) assert.equal((await api('POST', '/nodes', { name: `n${String(i).padStart(2, '0')}`, macs: [mac(i)], groups: ['rack1'], attrs: { 'install.disk': '/dev/vdb' } })).status, 201);
  });
  after(async () => {
    await s?.stop();
    await rm(tpl, { recursive: true, force: true });
  });

  test('profiles: create, read, change with If-Match, refuse bad fields by name, refuse removal while in use', async () => {
    const bad = await api('POST', '/profiles', { name: 'bad', kernel: '../../etc/passwd' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].field, 'kernel');
    assert.equal((await api('POST', '/profiles', { name: 'rocky9', kernel: 'x' })).status, 409);
    const got = await api('GET', '/profiles/rocky9');
    assert.equal(got.body.template, 'site/rack.ks');
    assert.equal((await api('GET', '/profiles')).body.items.length >= 1, true);
    assert.equal((await api('POST', '/profiles', { name: 'tmp', kernel: 'k' })).status, 201);
    assert.equal((await call(s.url, 'PATCH', '/api/v1/profiles/tmp', { cmdline: 'quiet' }, { 'if-match': '"1"' })).status, 200);
    assert.equal((await call(s.url, 'PATCH', '/api/v1/profiles/tmp', { cmdline: 'x' }, { 'if-match': '"1"' })).status, 412);
    assert.equal((await api('POST', '/nodeset', { noderange: 'n12', target: 'osimage=tmp' })).status, 200);
    assert.equal((await api('DELETE', '/profiles/tmp')).status, 409);
    assert.equal((await api('POST', '/nodeset', { noderange: 'n12', target: 'boot' })).status, 200);
    assert.equal((await api('DELETE', '/profiles/tmp')).status, 204);
  });

  test('nodeset refuses unknown targets, nodes and profiles, and writes nothing then', async () => {
    assert.equal((await api('POST', '/nodeset', { noderange: 'n01', target: 'reboot' })).status, 422);
    assert.equal((await api('POST', '/nodeset', { noderange: 'n01,ghost', target: 'boot' })).status, 422);
    assert.equal((await api('POST', '/nodeset', { noderange: 'n01', target: 'osimage=nope' })).status, 404);
    assert.equal((await api('POST', '/nodeset', { noderange: 'n01', target: 'boot', expires: 'soon' })).status, 422);
    assert.equal((await state('n01')).target, null);
  });

  test('a known node without a state boots its disk; an unknown MAC gets the default entry', async () => {
    assert.match(await script(mac(11)), /\nexit [01]\n/);
    assert.match(await script('52:54:00:ff:ff:01'), /kernel \S+\/env\/vmlinuz/);
  });

  test('the whole install: osimage inherited from the group, token on the kernel line, config, started, log, done → disk forever, up once', async () => {
    const set = await call(s.url, 'POST', '/api/v1/nodeset', { noderange: 'n01', target: 'osimage', cause: 'ticket 42' }, { 'x-stage0-actor': 'alice' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([set.body.items[0].target, set.body.items[0].profile, set.body.items[0].installStatus], ['install', 'rocky9', 'pending']);
    const [ev] = await events('n01', 'boot-state.set');
    assert.equal(ev!.details.cause, 'ticket 42');
    assert.equal(ev!.details.target, 'install');

    const text = await script(mac(1));
    assert.match(text, /\nkernel http:\/\/10\.0\.0\.1:8080\/boot\/m\/52:54:00:00:10:01\/assets\/rocky9\/vmlinuz initrd=initrd\.img console=ttyS0 inst\.ks=http:\/\/10\.0\.0\.1:8080\/api\/v1\/install\/[A-Za-z0-9_-]{43}\/template stage0\.mode=install stage0\.server=http:\/\/10\.0\.0\.1:8080 stage0\.token=[A-Za-z0-9_-]{43} \|\| goto failed\n/);
    const token = tokenIn(text)!;
    assert.ok(text.includes(`/install/${token}/template`), 'the cmdline template sees the same token');
    const st = await state('n01');
    assert.equal(st.installStatus, 'pending');
    assert.ok(Date.parse(st.installDeadline) > Date.now());
    // Nothing on the timeline carries the token itself.
    const all = (await api('GET', '/events?nodes=n01')).body.items;
    assert.ok(!JSON.stringify(all).includes(token));

    const cfg = await install(token, '/config');
    assert.equal(cfg.status, 200);
    assert.match(cfg.headers.get('content-type') ?? '', /text\/plain/);
    const body = await cfg.text();
    assert.match(body, /^NODE='n01'$/m);
    assert.match(body, /^MAC='52:54:00:00:10:01'$/m);
    assert.match(body, /^SERVER='http:\/\/10\.0\.0\.1:8080'$/m);
    assert.match(body, /^PROFILE='rocky9'$/m);
    assert.match(body, /^DISK='\/dev\/vdb'$/m);
    assert.match(body, /^IMAGE_URL=''$/m); // the profile names no image
    const json = await install(token, '/config', { headers: { accept: 'application/json' } });
    assert.equal((await json.json()).NODE, 'n01');

    const rendered = await install(token, '/template');
    assert.equal(await rendered.text(), `rack=r1\nurl=${HTTP_BASE}/api/v1/install/${token}/done\nimage=\n`);

    assert.equal((await install(token, '/started', { method: 'POST' })).status, 200);
    assert.equal((await state('n01')).installStatus, 'installing');
    // busybox wget --post-data sends form encoding; curl --data-binary sends text; GET ?line= for one line.
    assert.equal(await (await install(token, '/log', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'writing image\nverifying\n' })).text(), 'ok 2\n');
    assert.equal(await (await install(token, '/log', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'line=synced%20disks' })).text(), 'ok 1\n');
    assert.equal((await install(token, '/log?line=rebooting')).status, 200);
    assert.deepEqual((await events('n01', 'install.log')).map((e) => e.details.line), ['writing image', 'verifying', 'synced disks', 'rebooting']);

    const done = await install(token, '/done', { method: 'POST' });
    assert.equal(done.status, 200);
    const up = /^UP_URL='(http:\/\/10\.0\.0\.1:8080\/api\/v1\/install\/([A-Za-z0-9_-]{43})\/up)'\n$/.exec(await done.text());
    assert.ok(up, 'done answers UP_URL');
    const after = await state('n01');
    assert.deepEqual([after.target, after.installStatus, after.oneshot, after.expiresAt], ['boot', 'installed', false, null]);

    for (let i = 0; i < 3; i++) {
      const again = await script(mac(1));
      assert.match(again, /\nexit [01]\n/);
      assert.doesNotMatch(again, /kernel|stage0\.mode=install/);
    }
    // The spent token is refused everywhere, and each refusal is on the timeline with the reason and the client.
    for (const p of ['/done', '/config', '/failed?reason=x', '/started']) assert.equal((await install(token, p)).status, 410, p);
    const refused = await events('n01', 'install.token-refused');
    assert.equal(refused.length, 4);
    assert.equal(refused[0]!.details.reason, 'already used');
    assert.match(String(refused[0]!.details.from), /127\.0\.0\.1/);

    // The up token works once, then is spent; an install token is not an up token.
    assert.equal((await install(up![2]!, '/config')).status, 404);
    assert.equal((await install(up![2]!, '/up')).status, 200);
    assert.equal((await install(up![2]!, '/up')).status, 410);
    assert.equal((await events('n01', 'node.up')).length, 1);
    const kinds = (await api('GET', '/events?nodes=n01&kind=boot-state.set,install.boot,install.started,install.done,node.up')).body.items.map((e: { kind: string }) => e.kind);
    assert.deepEqual(kinds, ['boot-state.set', 'install.boot', 'install.started', 'install.done', 'node.up']);
  });

  test('unknown and malformed tokens: 404 that names no node, logged with the client address', async () => {
    for (const t of ['A'.repeat(43), 'short', '../../etc']) {
      const res = await install(encodeURIComponent(t), '/config');
      assert.equal(res.status, 404, t);
      assert.doesNotMatch(await res.text(), /n0\d/);
    }
    const ev = (await api('GET', '/events?kind=install.token-refused')).body.items.filter((e: { node: string | null }) => e.node === null);
    assert.ok(ev.length >= 3);
    assert.equal(ev.at(-1).details.reason, 'unknown');
  });

  test('a failed install holds the node (never the installer) until nodeset runs again', async () => {
    await api('POST', '/nodeset', { noderange: 'n02', target: 'osimage=rocky9' });
    const token = tokenIn(await script(mac(2)))!;
    assert.equal((await install(token, '/failed', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=checksum%20mismatch' })).status, 200);
    const st = await state('n02');
    assert.deepEqual([st.installStatus, st.statusReason], ['failed', 'checksum mismatch']);
    const held = await script(mac(2));
    assert.doesNotMatch(held, /^kernel /m);
    assert.match(held, /checksum mismatch/);
    assert.match(held, /sleep/);
    assert.equal((await install(token, '/done')).status, 410);
    await api('POST', '/nodeset', { noderange: 'n02', target: 'osimage=rocky9' });
    assert.match(await script(mac(2)), /stage0\.mode=install/);
  });

  test('a newer install script revokes the older token; nodeset revokes too', async () => {
    await api('POST', '/nodeset', { noderange: 'n03', target: 'osimage' });
    const first = tokenIn(await script(mac(3)))!;
    const second = tokenIn(await script(mac(3)))!;
    assert.notEqual(first, second);
    assert.equal((await install(first, '/config')).status, 410);
    assert.equal((await install(second, '/config')).status, 200);
    await api('POST', '/nodeset', { noderange: 'n03', target: 'boot' });
    assert.equal((await install(second, '/config')).status, 410);
    assert.equal((await events('n03', 'install.token-refused')).at(-1)!.details.reason, 'revoked');
  });

  test('an expired token is refused (410, reason expired)', async () => {
    await api('PATCH', '/nodes/n04', { attrs: { 'install.tokenttl': 1 } });
    await api('POST', '/nodeset', { noderange: 'n04', target: 'osimage' });
    const token = tokenIn(await script(mac(4)))!;
    await sleep(1100);
    assert.equal((await install(token, '/started')).status, 410);
    assert.equal((await events('n04', 'install.token-refused')).at(-1)!.details.reason, 'expired');
  });

  test('the sweeper marks an install that outlives its timeout failed ("timeout")', async () => {
    assert.equal((await api('POST', '/profiles', { name: 'quick', kernel: 'k', installTimeout: 1 })).status, 201);
    await api('POST', '/nodeset', { noderange: 'n05', target: 'osimage=quick' });
    const token = tokenIn(await script(mac(5)))!;
    await sleep(1400);
    const st = await state('n05');
    assert.deepEqual([st.installStatus, st.statusReason], ['failed', 'timeout']);
    assert.equal((await events('n05', 'install.failed')).at(-1)!.details.reason, 'timeout');
    assert.doesNotMatch(await script(mac(5)), /^kernel /m);
    assert.equal((await install(token, '/done')).status, 410);
  });

  test('one-shot and expiry fall back to boot, each recorded', async () => {
    await api('POST', '/nodeset', { noderange: 'n06', target: 'shell', oneshot: true });
    assert.match(await script(mac(6)), /kernel \S+\/env\/vmlinuz initrd=initrd\.gz console=ttyS0 stage0\.mode=shell stage0\.server=http:\/\/10\.0\.0\.1:8080 /);
    assert.match(await script(mac(6)), /\nexit [01]\n/);
    assert.equal((await events('n06', 'boot-state.consumed')).length, 1);
    const r = await api('POST', '/nodeset', { noderange: 'n07', target: 'rescue', expires: 1 });
    assert.ok(r.body.items[0].expiresAt);
    assert.match(await script(mac(7)), /stage0\.mode=rescue/);
    await sleep(1200);
    assert.match(await script(mac(7)), /\nexit [01]\n/);
    assert.equal((await events('n07', 'boot-state.expired')).length, 1);
    assert.equal((await state('n07')).target, 'boot');
  });

  test('stateless boots the profile without a token; discover boots the environment', async () => {
    await api('POST', '/nodeset', { noderange: 'n08', target: 'stateless=rocky9' });
    const t = await script(mac(8));
    assert.match(t, /stage0\.mode=stateless/);
    assert.doesNotMatch(t, /stage0\.token=/);
    await api('POST', '/nodeset', { noderange: 'n09', target: 'discover' });
    assert.match(await script(mac(9)), /stage0\.mode=discover/);
  });

  test('boot states by noderange; nodeset of a range is all or none', async () => {
    await api('PATCH', '/nodes/n10', { attrs: { osimage: null } }); // still inherits rack1's
    const all = await api('GET', '/boot-states?noderange=rack1');
    assert.equal(all.body.items.length, 12);
    const bad = await api('POST', '/nodeset', { noderange: 'n10,n11', target: 'osimage=nope' });
    assert.equal(bad.status, 404);
    assert.equal((await state('n10')).target, null);
  });

  test('template render and lint: the node and the undefined variable are named', async () => {
    const r = await api('GET', '/templates/render?node=n11');
    assert.equal(r.status, 200);
    assert.match(r.body, /^rack=r1$/m);
    await api('PATCH', '/groups/rack1', { attrs: { rack: null } });
    const lint = await api('POST', '/templates/lint', { noderange: 'n10,n11' });
    assert.equal(lint.status, 200);
    assert.deepEqual(lint.body.problems.map((p: { node: string; problems: { variable: string }[] }) => [p.node, p.problems[0]!.variable]), [['n10', 'node.rack'], ['n11', 'node.rack']]);
    const one = await api('GET', '/templates/render?node=n11');
    assert.equal(one.status, 422);
    assert.match(one.body.detail, /node\.rack/);
    await api('PATCH', '/groups/rack1', { attrs: { rack: 'r1' } });
    assert.deepEqual((await api('POST', '/templates/lint', { noderange: 'rack1' })).body.problems, []);
    const list = (await api('GET', '/templates')).body.items as string[];
    assert.ok(list.includes('kickstart/rhel9.ks') && list.includes('site/rack.ks'));
    const every = await api('POST', '/templates/lint', { noderange: 'n11', all: true });
    assert.equal(every.body.checked, list.length);
    assert.ok(!every.body.problems.some((p: { template: string }) => p.template === 'site/rack.ks'));
    // A template named in the request must exist; one a profile names but that is missing is a finding per node.
    assert.equal((await api('POST', '/templates/lint', { noderange: 'n11', template: 'site/nope.ks' })).status, 404);
    assert.equal((await api('POST', '/profiles', { name: 'ghost', kernel: 'k', template: 'site/ghost.ks' })).status, 201);
    await api('PATCH', '/nodes/n10', { attrs: { osimage: 'ghost' } });
    const ghost = await api('POST', '/templates/lint', { noderange: 'n10,n11' });
    assert.equal(ghost.status, 200);
    assert.equal(ghost.body.checked, 2);
    assert.deepEqual(ghost.body.problems, [{ node: 'n10', template: 'site/ghost.ks', problems: [{ variable: null, line: 0, message: "template 'site/ghost.ks' of profile ghost not found" }] }]);
    await api('PATCH', '/nodes/n10', { attrs: { osimage: null } });
  });
});
