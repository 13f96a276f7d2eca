// Behind TLS: the session cookie is Secure, and the CLI logs in and works over https (trusting the server's certificate).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call, startTestServer, type TestServer } from '../support/stage0-server.ts';
import { runCli } from '../support/run-cli.ts';

describe('authentication behind TLS', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite', { api: { listen: '127.0.0.1', port: 0, tls: { mode: 'on' } } });
  });
  after(async () => {
    await s?.stop();
  });

  test('the session cookie carries Secure', async () => {
    assert.match(s.url, /^https:/);
    const r = await call(s.url, 'POST', '/api/v1/auth/login', { user: 'admin', password: s.adminPassword, session: true }, { anonymous: 'true' });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('set-cookie') ?? '', /; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
  });

  test('stage0 login and later commands over https', async () => {
    const env = { STAGE0_URL: s.url, STAGE0_TOKEN: '', XDG_CONFIG_HOME: mkdtempSync(path.join(tmpdir(), 's0-tls-login-')), STAGE0_TLS_CA_FILE: path.join(s.dataDir, 'tls', 'cert.pem') };
    const login = await runCli(['login', '--user', 'admin'], { ...env, STAGE0_PASSWORD: s.adminPassword });
    assert.equal(login.code, 0, login.stderr);
    const who = await runCli(['whoami'], env);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, /^admin \(roles: admin/);
  });
});
