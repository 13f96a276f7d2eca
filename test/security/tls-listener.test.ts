// A real stage0 with TLS on (the default): the API over HTTPS with its self-signed certificate, browser security
// headers, and the plain boot listener that serves firmware paths only.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { fetchWithTrust, tlsTrustFor } from '../../src/api/tls/tls-client.ts';
import { validateConfig } from '../../src/config/load-config.ts';
import { startStage0 } from '../../src/main.ts';
import { INITIAL_ADMIN_FILE } from '../../src/auth/bootstrap-admin.ts';

/** A boot file small enough to read as text, sent by the sendfile path. */
const KERNEL = 'not really a kernel\n'.repeat(100);

/** A port the kernel just gave out; the test server binds it right after (the boot listener port must be known). */
async function freeTcpPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(url: string, opts: https.RequestOptions = {}, method = 'GET', body?: string): Promise<Got> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, ...opts }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('TLS listener and boot listener', () => {
  let s: { url: string; dataDir: string; stop(): Promise<void> };
  let ca: Buffer;
  let bootUrl: string;
  let adminToken: string;
  before(async () => {
    // startStage0 itself: the test support's client is plain fetch, which cannot trust a self-signed certificate.
    const dataDir = await mkdtemp(path.join(tmpdir(), 's0-tls-'));
    await mkdir(path.join(dataDir, 'assets'));
    await writeFile(path.join(dataDir, 'assets', 'vmlinuz'), KERNEL);
    // A known port, not 0: without boot.httpBase the script's URLs are built from the configured port (checked below).
    const bootPort = await freeTcpPort();
    const config = validateConfig({ dataDir, api: { listen: '127.0.0.1', port: 0, tls: { mode: 'on' } }, boot: { assetsDir: path.join(dataDir, 'assets'), http: { listen: '127.0.0.1', port: bootPort }, default: { kernel: 'vmlinuz', cmdline: '' } } });
    const running = await startStage0(config, pino({ level: process.env.STAGE0_TEST_LOG ?? 'silent' }));
    s = { url: running.url, dataDir, stop: async () => { await running.close(); await rm(dataDir, { recursive: true, force: true }); } };
    assert.equal(running.bootUrl, `http://127.0.0.1:${bootPort}`);
    // The first-start administrator logs in over TLS (the token is used to show the boot listener ignores it).
    const password = (await readFile(path.join(dataDir, INITIAL_ADMIN_FILE), 'utf8')).trim();
    const ca0 = await readFile(path.join(dataDir, 'tls', 'cert.pem'));
    const login = await get(`${running.url}/api/v1/auth/login`, { ca: ca0, headers: { 'content-type': 'application/json' } }, 'POST', JSON.stringify({ user: 'admin', password, tokenName: 'tls test' }));
    assert.equal(login.status, 200, login.body);
    adminToken = JSON.parse(login.body).token;
    assert.equal(running.tlsFingerprint, new X509Certificate(await readFile(path.join(dataDir, 'tls', 'cert.pem'))).fingerprint256);
    ca = await readFile(path.join(s.dataDir, 'tls', 'cert.pem'));
    bootUrl = running.bootUrl!;
  });
  after(() => s?.stop());

  it('the API URL is https and verifies against the generated certificate', async () => {
    assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(`${s.url}/api/v1/health`, { ca });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).status, 'ok');
    assert.ok(new X509Certificate(ca).checkIP('127.0.0.1'));
  });

  it('a client that does not trust the certificate is refused by its TLS stack', async () => {
    await assert.rejects(get(`${s.url}/api/v1/health`), (e: NodeJS.ErrnoException) => e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('plain HTTP to the TLS port gets no API answer', async () => {
    const r = await get(s.url.replace('https:', 'http:') + '/api/v1/health').catch((e: Error) => e);
    assert.ok(r instanceof Error || r.status === 400, `got ${JSON.stringify(r)}`);
  });

  it('security headers on API answers, errors included; HSTS over TLS', async () => {
    for (const p of ['/api/v1/health', '/api/v1/no-such-route']) {
      const r = await get(`${s.url}${p}`, { ca });
      assert.equal(String(r.headers['content-security-policy']).split(';')[0], "default-src 'self'", p);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
      assert.equal(r.headers['referrer-policy'], 'no-referrer', p);
      assert.equal(r.headers['x-frame-options'], 'DENY', p);
      assert.match(String(r.headers['strict-transport-security']), /^max-age=\d+/, p);
    }
  });

  it('the CLI-side helpers trust it: local cert for loopback, or a pinned fingerprint', async () => {
    const viaLocal = await fetchWithTrust(`${s.url}/api/v1/health`, {}, tlsTrustFor(s.url, s.dataDir, {}));
    assert.equal(viaLocal.status, 200);
    const fp = new X509Certificate(ca).fingerprint256;
    const viaPin = await fetchWithTrust(`${s.url}/api/v1/health`, {}, tlsTrustFor(s.url, '/nonexistent', { STAGE0_TLS_FINGERPRINT: fp }));
    assert.equal((await viaPin.json()).status, 'ok');
    const wrong = fp.replace(/^../, fp.startsWith('00') ? '11' : '00');
    await assert.rejects(fetchWithTrust(`${s.url}/api/v1/health`, {}, { fingerprint256: wrong }), /fingerprint/);
  });

  it('the boot listener is plain HTTP, serves firmware paths, no HSTS', async () => {
    const r = await get(`${bootUrl}/boot.ipxe?mac=52:54:00:aa:bb:cc`);
    assert.equal(r.status, 200);
    assert.match(r.body, /^#!ipxe/);
    assert.equal(r.headers['strict-transport-security'], undefined);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    // Without boot.httpBase the URLs in the script point at the boot listener, not at the TLS port.
    assert.ok(r.body.includes(`${bootUrl}/boot/m/52:54:00:aa:bb:cc/assets/vmlinuz`), r.body);
  });

  it('a boot file sent by the kernel (sendfile) carries the security headers too, never HSTS', async () => {
    const r = await get(`${bootUrl}/boot/assets/vmlinuz`);
    assert.equal(r.status, 200);
    assert.equal(r.body, KERNEL);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.ok(r.headers['content-security-policy'], 'content-security-policy');
    assert.equal(r.headers['strict-transport-security'], undefined);
  });

  it('routes declared public for boot (install tokens) are reachable on the boot listener', async () => {
    const r = await get(`${bootUrl}/api/v1/install/${'x'.repeat(43)}/config`);
    assert.equal(r.status, 404);
    assert.match(r.body, /unknown install token/, 'answered by the install route, not refused by the gate');
  });

  // Without credentials the API's own 401 may come first (its hook runs before the gate); with a valid admin token
  // the gate answers 404: the API is never served in clear.
  const notOnBoot = ['/api/v1/health', '/api/v1/nodes', '/api/v1/openapi.json', '/api/v1/events', '/'];
  for (const p of notOnBoot) {
    it(`the boot listener does not serve ${p}, with or without credentials`, async () => {
      const anon = await get(`${bootUrl}${p}`);
      assert.ok([401, 404].includes(anon.status), `${anon.status}`);
      const authed = await get(`${bootUrl}${p}`, { headers: { authorization: `Bearer ${adminToken}` } });
      assert.equal(authed.status, 404);
      for (const r of [anon, authed]) assert.doesNotMatch(r.body, /"status":"ok"|openapi|"items"/);
    });
  }

  it('the boot listener refuses a GET with a body, and API writes', async () => {
    assert.equal((await get(`${bootUrl}/boot.ipxe?mac=52:54:00:aa:bb:cc`, { headers: { 'content-length': '5' } }, 'GET', 'hello')).status, 400);
    const write = await get(`${bootUrl}/api/v1/nodes`, { headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` } }, 'POST', '{"name":"x"}');
    assert.equal(write.status, 404);
    assert.equal((await get(`${s.url}/api/v1/nodes/x`, { ca, headers: { authorization: `Bearer ${adminToken}` } })).status, 404, 'nothing was created');
  });
});
