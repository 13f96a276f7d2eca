// The web UI in a real Chromium against a real stage0: log in with the first-start password, list and filter nodes,
// see where an attribute comes from, set the next boot of a selection, and the guarantees behind it — an HttpOnly
// session, CSRF on changes, the policy table deciding for the UI as for the API, data shown as text, never markup.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { Browser } from '../support/webdriver.ts';
import { sampleReport } from '../../src/domain/discovery/sample-facts.ts';
import { EPYC, EPYC_GUEST } from '../../src/domain/planning/cpu-flag-fixtures.ts';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedfishBmc, stateFileHost, type RedfishBmc } from '../../src/lab/redfish-bmc.ts';

describe('web UI in Chromium', { timeout: 180_000 }, () => {
  let s: TestServer;
  let b: Browser;
  let bmc: RedfishBmc;
  const bmcDir = mkdtempSync(join(tmpdir(), 's0t-ui-bmc-'));
  const bmcHost = stateFileHost(join(bmcDir, 'state.json'));
  const BMC_PASSWORD = 'calvin-ui-secret';
  const HOSTILE = '<img src=x id=pwned onerror="document.title=1">';

  before(async () => {
    s = await startTestServer('sqlite');
    const ok = async (r: Promise<{ status: number; body: unknown }>) => {
      const x = await r;
      assert.ok(x.status < 300, JSON.stringify(x.body));
    };
    await ok(call(s.url, 'POST', '/api/v1/groups', { name: 'rack1', attrs: { os: 'debian12' } }));
    await ok(call(s.url, 'POST', '/api/v1/groups', { name: 'rack2', attrs: { os: 'esxi8' } }));
    for (const [i, g] of [[1, 'rack1'], [2, 'rack1'], [3, 'rack1'], [4, 'rack2']] as const) {
      await ok(call(s.url, 'POST', '/api/v1/nodes', { name: `n0${i}`, groups: [g], macs: [`02:00:00:00:00:0${i}`], attrs: { ip: `10.0.0.${i}`, ...(i === 1 && { note: HOSTILE }) } }));
    }
    // n04 has a (lab Redfish) BMC; n03's BMC address has nobody listening.
    bmc = await startRedfishBmc({ host: bmcHost, username: 'root', password: BMC_PASSWORD });
    const bmcAttrs = { 'bmc.driver': 'redfish', 'bmc.address': '127.0.0.1', 'bmc.username': 'root', 'bmc.password': BMC_PASSWORD, 'bmc.insecure': true };
    await ok(call(s.url, 'PATCH', '/api/v1/nodes/n04', { attrs: { ...bmcAttrs, 'bmc.port': bmc.port } }));
    await ok(call(s.url, 'PATCH', '/api/v1/nodes/n03', { attrs: { ...bmcAttrs, 'bmc.port': 1 } }));
    const image = await fetch(`${s.url}/api/v1/images/tiny?format=raw`, { method: 'PUT', headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(1024 * 1024, 1) });
    assert.equal(image.status, 201, await image.text());
    await ok(call(s.url, 'POST', '/api/v1/profiles', { name: 'debian12', kernel: 'debian/vmlinuz', initrd: 'debian/initrd.gz', template: 'preseed/debian12.cfg', installTimeout: 1800 }));
    // An operator who may look at everything but set the next boot of rack2 only.
    await ok(call(s.url, 'POST', '/api/v1/users', { name: 'op', password: 'operator-pass-123' }));
    await ok(call(s.url, 'POST', '/api/v1/policy', { priority: 10, subject: 'user:op', commands: ['auth.self', 'nodels', 'nodeset.stat', 'events.read'], effect: 'allow' }));
    await ok(call(s.url, 'POST', '/api/v1/policy', { priority: 20, subject: 'user:op', commands: ['nodeset'], noderange: 'rack2', effect: 'allow' }));
    b = await Browser.start();
  });
  after(async () => {
    await b?.quit();
    await s?.stop();
    await bmc?.close();
    rmSync(bmcDir, { recursive: true, force: true });
  });

  async function logIn(user: string, password: string): Promise<void> {
    await b.type(await b.find('#user'), user);
    await b.type(await b.find('#password'), password);
    await b.click(await b.find('#login button[type=submit]'));
  }

  test('/ leads to the login page; a wrong password is refused in the server\'s words; the right one opens the nodes', async () => {
    await b.go(`${s.url}/`);
    assert.match(await b.url(), /\/ui\/$/);
    await logIn('admin', 'not-the-password');
    await b.waitForText('#login-error', /401 wrong user name or password/);
    await logIn('admin', s.adminPassword);
    assert.equal(await b.waitForText('#whoami', /admin/), 'admin');
    await b.waitForText('#node-count', /^4 node\(s\)$/);
    const rows = await b.exec<string[]>('return [...document.querySelectorAll("#nodes tbody tr")].map((r) => r.dataset.node)');
    assert.deepEqual(rows, ['n01', 'n02', 'n03', 'n04']);
  });

  test('the session cookie is HttpOnly: page script cannot read it, and a change without the CSRF header is refused', async () => {
    const cookie = await b.exec<string>('return document.cookie');
    assert.doesNotMatch(cookie, /s0s/, 'the session secret is not readable by script');
    const forged = await b.exec<{ status: number; body: { deniedBy?: string } }>(
      'return fetch("/api/v1/nodeset", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ noderange: "n01", target: "shell" }) }).then(async (r) => ({ status: r.status, body: await r.json() }))');
    assert.equal(forged.status, 403);
    assert.equal(forged.body.deniedBy, 'csrf');
  });

  test('a noderange narrows the table; a node page shows each attribute with where it comes from, hostile text as text', async () => {
    await b.type(await b.find('#range'), 'rack1,-n03');
    await b.click(await b.find('#range-form button'));
    await b.waitForText('#node-count', /^2 node\(s\)$/);
    assert.match(await b.url(), /#\/nodes\?range=rack1%2C-n03$/);
    await b.click(await b.find('#nodes a[href="#/node/n01"]'));
    await b.waitForText('#node-name', /^n01$/);
    assert.equal(await b.text(await b.find('#attrs tr[data-attr="os"] td.from')), 'group rack1');
    assert.equal(await b.text(await b.find('#attrs tr[data-attr="ip"] td.from')), 'node');
    assert.equal(await b.text(await b.find('#attrs tr[data-attr="note"] td.mono')), HOSTILE);
    assert.equal((await b.findAll('#pwned')).length, 0, 'the value did not become an element');
    assert.notEqual(await b.exec('return document.title'), '1');
  });

  test('Set next boot on a selection: the boot state changes, the node\'s timeline and the audit say who did it', async () => {
    await b.go(`${s.url}/ui/#/nodes?range=rack1`);
    await b.waitForText('#node-count', /^3 node\(s\)$/);
    await b.click(await b.find('#nodes tr[data-node="n01"] input[type=checkbox]'));
    await b.click(await b.find('#nodes tr[data-node="n02"] input[type=checkbox]'));
    await b.select('#nodeset-target', 'shell');
    await b.click(await b.find('#nodeset'));
    await b.waitForText('#action-result', /nodeset shell: n01, n02/);
    await b.waitForText('#nodes tr[data-node="n01"] td.next-boot', /^shell$/);
    assert.equal(await b.text(await b.find('#nodes tr[data-node="n03"] td.next-boot')), '—');
    // Rows are updated in place: a second later the message and the selection are still there.
    await new Promise((r) => setTimeout(r, 1000));
    assert.match(await b.text(await b.find('#action-result')), /nodeset shell: n01, n02/);
    assert.deepEqual(await b.exec<string[]>('return [...document.querySelectorAll("#nodes tbody input:checked")].map((x) => x.dataset.node)'), ['n01', 'n02']);

    const states = await call(s.url, 'GET', '/api/v1/boot-states?noderange=rack1');
    assert.deepEqual(states.body.items.map((x: { node: string; target: string | null }) => `${x.node}=${x.target}`), ['n01=shell', 'n02=shell', 'n03=null']);
    const audit = await call(s.url, 'GET', '/api/v1/audit?command=nodeset');
    const last = audit.body.items.at(-1);
    assert.equal(last.user, 'admin');
    assert.equal(last.status, 200);
    assert.deepEqual(last.nodes, ['n01', 'n02']);

    await b.go(`${s.url}/ui/#/node/n01`);
    await b.waitForText('#boot-state', /^shell/);
    const kinds = await b.exec<string[]>('return [...document.querySelectorAll("#timeline li")].map((l) => l.dataset.kind)');
    assert.ok(kinds.some((k) => /nodeset|boot/.test(k)), `a next-boot event on the timeline: ${kinds.join(', ')}`);
  });

  test('Power on a selection through the BMCs: one line per node, the failure in its own words, no BMC password on the page', async () => {
    await b.go(`${s.url}/ui/#/nodes?range=n03,n04`);
    await b.waitForText('#node-count', /^2 node\(s\)$/);
    await b.click(await b.find('#select-all'));
    await b.select('#rpower-state', 'on');
    await b.click(await b.find('#rpower'));
    const lines = await b.waitForText('#action-result', /n03: .*\n.*n04: |n04: .*\n.*n03: /s, 20_000);
    assert.match(lines, /n03: failed: .*ECONNREFUSED/);
    assert.match(lines, /^n04: ok$/m);
    assert.equal(bmcHost.state().power, 'On', 'the BMC really powered the machine on');
    const page = await b.exec<string>('return document.documentElement.outerHTML');
    assert.ok(!page.includes(BMC_PASSWORD), 'the BMC password is never sent to the browser');
    await b.go(`${s.url}/ui/#/node/n04`);
    await b.waitForText('#node-name', /^n04$/);
    assert.ok(!(await b.exec<string>('return document.documentElement.outerHTML')).includes(BMC_PASSWORD), 'nor on the node page');
  });

  test('Discovery: a machine that reported its facts waits in the queue; Approve with a name enrolls it as that node', async () => {
    const report = await fetch(`${s.url}/api/v1/discovery`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleReport({ mac: '52:54:00:aa:bb:77', cores: 4, memoryMiB: 2048 })) });
    assert.equal(report.status, 200, await report.text());
    await b.go(`${s.url}/ui/#/discovery`);
    const facts = await b.waitForText('#discovery tr[data-mac="52:54:00:aa:bb:77"] td:nth-child(2)', /cores/);
    assert.equal(facts, 'QEMU Virtual CPU version 2.5+ · 4 cores · 2.0 GiB · 1 disk(s) · Acme · SYS-SN-7');
    await b.type(await b.find('#discovery tr[data-mac="52:54:00:aa:bb:77"] input'), 'disc01');
    await b.click(await b.find('#discovery tr[data-mac="52:54:00:aa:bb:77"] button.approve'));
    await b.waitForText('#discovery-result', /52:54:00:aa:bb:77 enrolled as disc01/);
    const node = await call(s.url, 'GET', '/api/v1/nodes/disc01');
    assert.equal(node.status, 200);
    assert.deepEqual(node.body.macs, ['52:54:00:aa:bb:77']);
    await b.waitFor(async () => (await b.findAll('#discovery tr[data-mac="52:54:00:aa:bb:77"]')).length === 0, 'the queue to drop the enrolled machine');
    assert.match(await b.text(await b.find('#discovery-result')), /enrolled as disc01/, 'the message stays');
  });

  test('Plan: the CPU baseline of a noderange typed in the page, from the facts the machines reported', async () => {
    for (const [i, flags] of [EPYC, EPYC_GUEST].entries()) {
      const r = sampleReport({ mac: `52:54:00:aa:cc:0${i}`, serial: `PLAN-${i}`, uuid: `11111111-2222-3333-4444-0000000000c${i}`, cpu: 'AMD EPYC' }) as { cpu: Record<string, unknown> };
      r.cpu = { ...r.cpu, flags };
      const sent = await fetch(`${s.url}/api/v1/discovery`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r) });
      const id = Number(/ENTRY=(\d+)/.exec(await sent.text())![1]);
      assert.equal((await call(s.url, 'POST', `/api/v1/discovery/${id}/approve`, { name: `plan0${i + 1}` })).status, 200);
    }
    await b.go(`${s.url}/ui/#/plan`);
    await b.type(await b.find('form input[name="range"]'), 'plan01,plan02');
    await b.click(await b.find('form button[type="submit"]'));
    const verdict = await b.waitForText('#plan-verdict', /x86-64-v2/);
    assert.match(verdict, /x86-64-v2: 93 CPU features common to 2 hosts/);
    assert.match(verdict, /x86-64-v3 needs abm; lacked by plan02/);
    assert.match(verdict, /plan02 alone lacks abm; without it: x86-64-v4/);
    assert.equal(await b.text(await b.find('#plan-hosts tr[data-node="plan01"] td:nth-child(2)')), 'x86-64-v4');
    assert.equal(await b.text(await b.find('#plan-hosts tr[data-node="plan02"] td:nth-child(2)')), 'x86-64-v2');
    for (const n of ['plan01', 'plan02']) assert.equal((await call(s.url, 'DELETE', `/api/v1/nodes/${n}`)).status, 204, 'the later tests count the nodes');
  });

  test('Profiles and Access show the profiles, the disk images, the users and the policy table in deciding order', async () => {
    await b.go(`${s.url}/ui/#/profiles`);
    const row = await b.waitForText('#profiles tr[data-profile="debian12"]', /debian12/);
    assert.match(row, /debian\/vmlinuz\s+debian\/initrd\.gz\s+preseed\/debian12\.cfg\s+—\s+1800 s/);
    const sha = createHash('sha256').update(Buffer.alloc(1024 * 1024, 1)).digest('hex');
    assert.match(await b.waitForText('#images tr[data-image="tiny"]', /tiny/), new RegExp(`^tiny\\s+raw\\s+1\\.0 MiB\\s+1\\.0 MiB\\s+${sha.slice(0, 16)}…\\s+1\\s`));
    await b.go(`${s.url}/ui/#/access`);
    await b.waitForText('#users tr[data-user="op"]', /^op/);
    const rows = await b.exec<string[]>('return [...document.querySelectorAll("#policy tbody tr")].map((r) => r.innerText.replace(/\\s+/g, " ").trim())');
    const ops = rows.filter((r) => /user:op/.test(r));
    assert.deepEqual(ops, ['10 user:op auth.self,nodels,nodeset.stat,events.read any allow Remove', '20 user:op nodeset rack2 allow Remove']);
    assert.ok(rows.some((r) => /^10 role:admin \* any allow/.test(r)), rows.join('\n'));
  });

  test('Access: a policy row added in the page (a bad noderange refused in the server\'s words), audited, then removed with a second click', async () => {
    await b.go(`${s.url}/ui/#/access`);
    await b.find('#policy-add');
    await b.type(await b.find('#policy-priority'), '30');
    await b.type(await b.find('#policy-subject'), 'user:op');
    await b.type(await b.find('#policy-commands'), 'rpower, nodeset.stat');
    await b.type(await b.find('#policy-noderange'), 'rack[');
    await b.select('#policy-effect', 'deny');
    await b.click(await b.find('#policy-add button[type=submit]'));
    const refused = await b.waitForText('#policy-result', /add row/);
    assert.match(refused, /^add row: 422 noderange: '\[' is never closed at position 5\b/);
    assert.doesNotMatch(refused, / — /, 'the field error is not repeated after the detail');
    const before = (await call(s.url, 'GET', '/api/v1/policy')).body.items as { subject: string; priority: number }[];
    assert.ok(!before.some((r) => r.priority === 30 && r.subject === 'user:op'), 'nothing added');

    await b.type(await b.find('#policy-noderange'), 'rack2');
    await b.type(await b.find('#policy-comment'), 'no power for op on rack2');
    await b.click(await b.find('#policy-add button[type=submit]'));
    const added = await b.waitForText('#policy-result', /added/);
    const id = Number(/^row (\d+) added: 30 user:op rpower,nodeset\.stat rack2 deny$/.exec(added)?.[1]);
    assert.ok(id > 0, added);
    const row = (await call(s.url, 'GET', '/api/v1/policy')).body.items.find((r: { id: number }) => r.id === id);
    assert.deepEqual([row.priority, row.subject, row.commands, row.noderange, row.effect, row.comment], [30, 'user:op', ['rpower', 'nodeset.stat'], 'rack2', 'deny', 'no power for op on rack2']);
    const audit = await call(s.url, 'GET', '/api/v1/audit?command=policy.write');
    assert.ok(audit.body.items.some((e: { user: string; status: number; details: { after?: { id: number } } }) => e.user === 'admin' && e.status === 201 && e.details.after?.id === id), JSON.stringify(audit.body.items));

    // The page shows it again after the change; the first click only arms the button.
    const remove = await b.find(`#policy tr[data-row="${id}"] button.remove`);
    await b.click(remove);
    assert.equal(await b.text(await b.find(`#policy tr[data-row="${id}"] button.remove`)), 'Confirm remove');
    assert.ok((await call(s.url, 'GET', '/api/v1/policy')).body.items.some((r: { id: number }) => r.id === id), 'one click removes nothing');
    await b.click(await b.find(`#policy tr[data-row="${id}"] button.remove`));
    assert.match(await b.waitForText('#policy-result', /removed/), new RegExp(`^row ${id} removed \\(30 user:op rpower,nodeset\\.stat deny\\)$`));
    assert.ok(!(await call(s.url, 'GET', '/api/v1/policy')).body.items.some((r: { id: number }) => r.id === id));
  });

  test('Access: a user added in the page gets a one-time password that logs in; the last administrator cannot be removed; a user is removed with a second click', async () => {
    await b.go(`${s.url}/ui/#/access`);
    await b.type(await b.find('#user-name'), 'auditor');
    await b.type(await b.find('#user-roles'), 'viewer');
    await b.clickOn('#user-add button[type=submit]');
    await b.waitForText('#user-result', /added/);
    const password = await b.text(await b.find('#user-password'));
    assert.match(password, /^\S{16,}$/);
    assert.match(await b.waitForText('#users tr[data-user="auditor"]', /auditor/), /^auditor\s+viewer\s+set\s/);
    const login = await fetch(`${s.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'auditor', password }) });
    assert.equal(login.status, 200, 'the password shown logs in');
    const audit = await call(s.url, 'GET', '/api/v1/audit?command=user.write');
    assert.ok(audit.body.items.some((e: { status: number; details: { after?: { name: string } } }) => e.status === 201 && e.details.after?.name === 'auditor'));
    assert.ok(!JSON.stringify(audit.body.items).includes(password), 'the password is not in the audit');

    await b.clickOn('#users tr[data-user="admin"] button.remove');
    await b.clickOn('#users tr[data-user="admin"] button.remove');
    assert.match(await b.waitForText('#user-result', /admin/), /^remove user admin: 409 'admin' is the last administrator$/);
    await b.clickOn('#users tr[data-user="auditor"] button.remove');
    assert.equal(await b.text(await b.find('#users tr[data-user="auditor"] button.remove')), 'Confirm remove');
    await b.clickOn('#users tr[data-user="auditor"] button.remove');
    await b.waitForText('#user-result', /auditor removed/);
    assert.equal((await call(s.url, 'GET', '/api/v1/users')).body.items.some((u: { name: string }) => u.name === 'auditor'), false);
  });

  test('Profiles: one added in the page (a taken name refused in the server\'s words), audited, removed with a second click', async () => {
    await b.go(`${s.url}/ui/#/profiles`);
    await b.type(await b.find('#profile-name'), 'debian12');
    await b.type(await b.find('#profile-kernel'), 'esxi/mboot.c32');
    await b.clickOn('#profile-add button[type=submit]');
    assert.match(await b.waitForText('#profile-result', /add profile/), /^add profile: 409 .*debian12/);
    await b.type(await b.find('#profile-name'), 'esxi8');
    await b.type(await b.find('#profile-template'), 'esxi/ks.cfg');
    await b.type(await b.find('#profile-timeout'), '3600');
    await b.clickOn('#profile-add button[type=submit]');
    assert.match(await b.waitForText('#profile-result', /added/), /^profile esxi8 added; attach it with: stage0 nodeset <noderange> osimage=esxi8$/);
    assert.match(await b.waitForText('#profiles tr[data-profile="esxi8"]', /esxi8/), /^esxi8\s+esxi\/mboot\.c32\s+—\s+esxi\/ks\.cfg\s+—\s+3600 s/);
    const p = (await call(s.url, 'GET', '/api/v1/profiles/esxi8')).body;
    assert.deepEqual([p.kernel, p.initrd, p.template, p.installTimeout], ['esxi/mboot.c32', null, 'esxi/ks.cfg', 3600]);
    const audit = (await call(s.url, 'GET', '/api/v1/audit?command=profile.write')).body.items as { user: string; status: number; route: string }[];
    // debian12 from the setup, then this test's refusal and esxi8.
    assert.deepEqual(audit.map((e) => `${e.user} ${e.status} ${e.route}`).sort(), ['admin 201 POST /api/v1/profiles', 'admin 201 POST /api/v1/profiles', 'admin 409 POST /api/v1/profiles']);
    await b.clickOn('#profiles tr[data-profile="esxi8"] button.remove');
    assert.equal((await call(s.url, 'GET', '/api/v1/profiles/esxi8')).status, 200, 'one click removes nothing');
    await b.clickOn('#profiles tr[data-profile="esxi8"] button.remove');
    await b.waitForText('#profile-result', /removed/);
    assert.equal((await call(s.url, 'GET', '/api/v1/profiles/esxi8')).status, 404);
  });

  test('Templates: from a node\'s page, the preview of what its installer would get; a failing template in the server\'s words; a lint over a noderange', async () => {
    await call(s.url, 'PATCH', '/api/v1/nodes/n02', { attrs: { osimage: 'debian12' } });
    await b.go(`${s.url}/ui/#/node/n02`);
    await b.clickOn('#preview-link');
    // The profile's template (preseed/debian12.cfg) is not there: the preview says so instead of showing nothing.
    assert.match(await b.waitForText('#preview-output', /404|not found/i), /template 'preseed\/debian12\.cfg'/);
    assert.ok((await b.findAll('#templates li[data-template="cloud-init/meta-data"]')).length === 1, 'the shipped templates are listed');
    await b.clickOn('#preview-template option[value="cloud-init/meta-data"]');
    await b.clickOn('#preview button[type=submit]');
    const text = await b.waitForText('#preview-text', /instance-id/);
    assert.match(text, /^instance-id: "stage0-n02-debian12"\nlocal-hostname: "n02"/);
    assert.equal(await b.text(await b.find('#preview-used')), 'cloud-init/meta-data for n02:');
    await b.type(await b.find('#lint-range'), 'rack1');
    await b.clickOn('#lint button[type=submit]');
    assert.match(await b.waitForText('#lint-summary', /checked/), /^1 node\(s\) checked, 1 problem\(s\), 2 skipped$/);
    assert.match(await b.text(await b.find('#lint-output tr[data-node="n02"]')), /^n02\s+preseed\/debian12\.cfg\s+0\s+template 'preseed\/debian12\.cfg' of profile debian12 not found$/);
  });

  test('an operator limited to rack2 by the policy table sees the refusal for rack1 and may act on rack2; log out ends the session', async () => {
    await b.click(await b.find('#logout'));
    await b.find('#login');
    await logIn('op', 'operator-pass-123');
    await b.waitForText('#whoami', /^op$/);
    await b.go(`${s.url}/ui/#/nodes`); // the page keeps the view it was on (here: admin's last node page)
    await b.waitForText('#node-count', /^5 node\(s\)$/);
    await b.click(await b.find('#nodes tr[data-node="n03"] input[type=checkbox]'));
    await b.select('#nodeset-target', 'rescue');
    await b.click(await b.find('#nodeset'));
    const refused = await b.waitForText('#action-result', /403/);
    assert.match(refused, /^nodeset: 403 no policy row allows op to run nodeset on n03$/);
    assert.equal((await call(s.url, 'GET', '/api/v1/nodes/n03/boot-state')).body.target, null, 'nothing changed');

    await b.click(await b.find('#nodes tr[data-node="n03"] input[type=checkbox]'));
    await b.click(await b.find('#nodes tr[data-node="n04"] input[type=checkbox]'));
    await b.click(await b.find('#nodeset'));
    await b.waitForText('#action-result', /nodeset rescue: n04/);
    assert.equal((await call(s.url, 'GET', '/api/v1/nodes/n04/boot-state')).body.target, 'rescue');
    const audit = await call(s.url, 'GET', '/api/v1/audit?user=op&command=nodeset');
    assert.deepEqual(audit.body.items.map((e: { status: number; nodes: string[] }) => `${e.status} ${e.nodes.join(',')}`), ['403 n03', '200 n04']);

    // The Access page: each part refused in the server's words, the page itself still there.
    await b.go(`${s.url}/ui/#/access`);
    assert.match(await b.waitForText('#users .error', /403/), /^403 no policy row allows op to run user\.read$/);
    assert.match(await b.waitForText('#policy .error', /403/), /^403 no policy row allows op to run policy\.read$/);

    await b.click(await b.find('#logout'));
    await b.find('#login');
    const after = await b.exec<number>('return fetch("/api/v1/auth/whoami").then((r) => r.status)');
    assert.equal(after, 401, 'the session was revoked, not just forgotten by the page');
  });
});
