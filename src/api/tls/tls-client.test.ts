// fetchWithTrust against a real HTTPS server with a certificate made by openssl: CA trust, pinning, streaming both ways.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchWithTrust } from './tls-client.ts';

describe('fetchWithTrust', () => {
  let dir: string;
  let server: https.Server;
  let base: string;
  let cert: Buffer;
  let release: () => void = () => {};
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-tlsc-'));
    const [certFile, keyFile] = [path.join(dir, 'c.pem'), path.join(dir, 'k.pem')];
    // A name that is not 127.0.0.1: pinning must not care, CA trust must.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=elsewhere', '-addext', 'subjectAltName=DNS:elsewhere.example', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    cert = await readFile(certFile);
    server = https.createServer({ cert, key: await readFile(keyFile) }, (req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write('{"n":1}\n');
        release = () => res.end('{"n":2}\n');
        return;
      }
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.writeHead(req.method === 'HEAD' ? 204 : 200, { 'x-got': String(n) }).end(req.method === 'HEAD' ? undefined : `${req.method} ${n}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('pinned fingerprint: accepted whatever the name, body streamed up', async () => {
    const fp = new X509Certificate(cert).fingerprint256;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(1000));
        c.enqueue(new Uint8Array(24));
        c.close();
      },
    });
    const r = await fetchWithTrust(`${base}/up`, { method: 'PUT', body, duplex: 'half' }, { fingerprint256: fp });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'PUT 1024');
    assert.equal(r.headers.get('x-got'), '1024');
  });

  it('CA trust still checks the name: the certificate names elsewhere.example, not 127.0.0.1', async () => {
    await assert.rejects(fetchWithTrust(`${base}/x`, {}, { ca: cert }), (e: { cause?: { code?: string } }) => e.cause?.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('a wrong pin is refused before any request is sent', async () => {
    await assert.rejects(fetchWithTrust(`${base}/x`, { method: 'POST', body: 'secret' }, { fingerprint256: '00:'.repeat(31) + '00' }), /fingerprint .* expected 00:00/);
  });

  it('the response body streams: the first NDJSON line arrives before the server ends', async () => {
    const r = await fetchWithTrust(`${base}/stream`, {}, { fingerprint256: new X509Certificate(cert).fingerprint256 });
    const reader = r.body!.getReader();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value!).toString(), '{"n":1}\n');
    release();
    let rest = '';
    for (let c = await reader.read(); !c.done; c = await reader.read()) rest += Buffer.from(c.value).toString();
    assert.equal(rest, '{"n":2}\n');
  });

  it('HEAD and 204 have no body; http URLs go to plain fetch', async () => {
    const r = await fetchWithTrust(`${base}/x`, { method: 'HEAD' }, { fingerprint256: new X509Certificate(cert).fingerprint256 });
    assert.equal(r.status, 204);
    assert.equal(r.body, null);
    await assert.rejects(fetchWithTrust('http://127.0.0.1:1/', {}, { ca: cert }), TypeError);
  });
});
