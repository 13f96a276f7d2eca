// The auth commands of the real stage0 executable against a real server: user, token, policy, audit, and the
// local bootstrap `user add --data-dir` that works on the store without the API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { runCli } from '../support/run-cli.ts';

describe('stage0 auth commands', () => {
  let s: TestServer;
  const cli = (args: string[], env: Record<string, string> = {}, input?: string) => runCli(args, { STAGE0_URL: s.url, ...env }, input);
  before(async () => {
    s = await startTestServer('sqlite');
  });
  after(async () => {
    await s?.stop();
  });

  test('user add --data-dir works on the local store directly; the user can then log in', async () => {
    const r = await cli(['user', 'add', 'ops1', '--group', 'ops', '--data-dir', s.dataDir], { STAGE0_PASSWORD: 'ops1-password-1' });
    assert.equal(r.code, 0, r.stderr);
    const login = await call(s.url, 'POST', '/api/v1/auth/login', { user: 'ops1', password: 'ops1-password-1' }, { anonymous: 'true' });
    assert.equal(login.status, 200);
    const ls = await cli(['user', 'ls', '--json']);
    assert.deepEqual(JSON.parse(ls.stdout).find((u: { name: string }) => u.name === 'ops1'), { name: 'ops1', roles: [], groups: ['ops'], hasPassword: true, createdAt: JSON.parse(ls.stdout).find((u: { name: string }) => u.name === 'ops1').createdAt });
  });

  test('policy add gives the ops group rack-limited rights; policy ls shows it; policy rm takes it away', async () => {
    assert.equal((await cli(['nodeadd', 'r1n[01-02]', 'groups=rack1'])).code, 0);
    assert.equal((await cli(['nodeadd', 'r2n01', 'groups=rack2'])).code, 0);
    const add = await cli(['policy', 'add', '--priority', '50', '--subject', 'group:ops', '--commands', 'nodels,nodech', '--noderange', 'rack1', '--comment', 'rack1 operators']);
    assert.equal(add.code, 0, add.stderr);
    const id = /added policy row (\d+)/.exec(add.stdout)![1]!;
    const ls = await cli(['policy', 'ls']);
    assert.match(ls.stdout, new RegExp(`\\n${id}\\s+50\\s+group:ops\\s+nodels,nodech\\s+rack1\\s+allow\\s+rack1 operators`));
    const tok = JSON.parse((await cli(['token', 'create', 'ops-script', '--json'], { STAGE0_TOKEN: (await call(s.url, 'POST', '/api/v1/auth/login', { user: 'ops1', password: 'ops1-password-1' }, { anonymous: 'true' })).body.token })).stdout);
    const ops = { STAGE0_TOKEN: tok.token };
    assert.equal((await cli(['nodech', 'rack1', 'owner=ops'], ops)).code, 0);
    const across = await cli(['nodech', 'r1n01,r2n01', 'owner=ops'], ops);
    assert.equal(across.code, 7);
    assert.match(across.stderr, /only on rack1; not on r2n01/);
    assert.equal((await cli(['policy', 'rm', id])).code, 0);
    assert.equal((await cli(['nodech', 'rack1', 'owner=x'], ops)).code, 7);
  });

  test('token create|ls|revoke; audit shows who did what, filtered by user, node and command', async () => {
    const created = await cli(['token', 'create', 'backup', '--scope', 'inventory.read', '--expires-days', '7']);
    assert.equal(created.code, 0, created.stderr);
    const [head, secret] = created.stdout.trim().split('\n');
    const id = /^token (\w+) \(backup\)/.exec(head!)![1]!;
    assert.equal((await cli(['export'], { STAGE0_TOKEN: secret! })).code, 0);
    assert.equal((await cli(['nodels'], { STAGE0_TOKEN: secret! })).code, 7, 'outside the token scope');
    assert.match((await cli(['token', 'ls'])).stdout, new RegExp(`${id}\\s+admin\\s+backup\\s+inventory\\.read`));
    assert.equal((await cli(['token', 'revoke', id])).code, 0);
    assert.equal((await cli(['export'], { STAGE0_TOKEN: secret! })).code, 6);
    const audit = JSON.parse((await cli(['audit', '--user', 'ops1', '--node', 'r2n01', '--json'])).stdout) as { command: string; status: number; nodes: string[] }[];
    assert.deepEqual(audit.map((e) => [e.command, e.status, e.nodes]), [['nodech', 403, ['r1n01', 'r2n01']]]);
    const table = await cli(['audit', '--command', 'policy.write']);
    assert.match(table.stdout, /^ID\s+TIME\s+USER\s+COMMAND/);
    assert.equal(table.stdout.trim().split('\n').length, 3, 'policy add and policy rm');
  });
});
