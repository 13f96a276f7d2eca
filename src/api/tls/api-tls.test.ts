// The API's TLS decision: self-signed pair made once with the real openssl and reused, configured files, the 'off' rule.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, validateConfig } from '../../config/load-config.ts';
import { isLoopback } from '../../net/tls-policy.ts';
import { resolveApiTls } from './api-tls.ts';
import { subjectAltNames } from './self-signed-cert.ts';
import { normaliseFingerprint, tlsTrustFor } from './tls-client.ts';

describe('API TLS from configuration', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-tls-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const cfg = (api: Record<string, unknown>, dataDir = dir) => validateConfig({ dataDir, api });

  it('default (auto): plain on loopback, TLS elsewhere', async () => {
    assert.equal(await resolveApiTls(cfg({ listen: '127.0.0.1' })), undefined);
    assert.equal(await resolveApiTls(cfg({})), undefined, 'the default listen address is loopback');
  });

  it('auto off loopback: a self-signed ECDSA P-256 pair in <dataDir>/tls, key 0600, dir 0700, SANs for loopback and the listen host', async () => {
    const data = path.join(dir, 'd1');
    const tls = await resolveApiTls(cfg({ listen: '10.1.2.3' }, data));
    assert.ok(tls);
    assert.equal(tls.source, 'self-signed-new');
    assert.equal((await stat(path.join(data, 'tls', 'key.pem'))).mode & 0o777, 0o600);
    assert.equal((await stat(path.join(data, 'tls'))).mode & 0o777, 0o700);
    const cert = new X509Certificate(tls.cert);
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.1.2.3');
    assert.match(tls.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(tls.warning, undefined);
    // openssl agrees on the fingerprint we print
    const printed = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', tls.certFile], { encoding: 'utf8' });
    assert.equal(normaliseFingerprint(printed), tls.fingerprint256);

    const again = await resolveApiTls(cfg({ listen: '10.1.2.3' }, data));
    assert.equal(again?.source, 'self-signed-reused');
    assert.equal(again?.fingerprint256, tls.fingerprint256, 'reused after restart, not regenerated');
    const moved = await resolveApiTls(cfg({ listen: '10.9.9.9' }, data));
    assert.match(moved?.warning ?? '', /does not name 10\.9\.9\.9/);
  });

  it('configured certFile/keyFile are served as given', async () => {
    const certFile = path.join(dir, 'mine.crt'); // RSA 2048 here: the other key type the brief allows
    const keyFile = path.join(dir, 'mine.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=mine', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    const tls = await resolveApiTls(cfg({ tls: { mode: 'on', certFile, keyFile } }));
    assert.equal(tls?.source, 'configured');
    assert.equal(new X509Certificate(tls!.cert).subject, 'CN=mine');
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    ['off on a public address', { listen: '0.0.0.0', tls: { mode: 'off' } }, 'api.tls.mode'],
    ['off on a LAN address', { listen: '10.0.0.1', tls: { mode: 'off' } }, 'api.tls.mode'],
    ['certFile without keyFile', { tls: { mode: 'on', certFile: '/x.pem' } }, 'api.tls.keyFile'],
    ['unreadable certFile', { tls: { mode: 'on', certFile: '/nonexistent/c.pem', keyFile: '/nonexistent/k.pem' } }, 'api.tls.certFile'],
  ];
  for (const [what, api, key] of refusals) {
    it(`refused: ${what} (ConfigError naming ${key})`, async () => {
      await assert.rejects(resolveApiTls(cfg(api)), (e: unknown) => e instanceof ConfigError && e.problems[0]?.key === key);
    });
  }

  it('a file that is not a certificate is a ConfigError', async () => {
    const bad = path.join(dir, 'bad.pem');
    await writeFile(bad, 'hello');
    await assert.rejects(resolveApiTls(cfg({ tls: { mode: 'on', certFile: bad, keyFile: bad } })), ConfigError);
  });

  it('off is allowed on loopback, or anywhere with insecure: true', async () => {
    assert.equal(await resolveApiTls(cfg({ listen: '127.0.0.1', tls: { mode: 'off' } })), undefined);
    assert.equal(await resolveApiTls(cfg({ listen: '::1', tls: { mode: 'off' } })), undefined);
    assert.equal(await resolveApiTls(cfg({ listen: '0.0.0.0', tls: { mode: 'off', insecure: true } })), undefined);
  });

  it('a missing openssl fails with how to install it', async () => {
    const missing = async () => {
      throw Object.assign(new Error('spawn openssl ENOENT'), { code: 'ENOENT' });
    };
    await assert.rejects(resolveApiTls(cfg({ tls: { mode: 'on' } }, path.join(dir, 'd2')), missing), /apt-get install openssl/);
  });

  it('loopback and SAN helpers', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.ok(isLoopback(h), h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.org']) assert.ok(!isLoopback(h), h);
    assert.deepEqual(subjectAltNames('0.0.0.0'), ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
    assert.deepEqual(subjectAltNames('stage0.lab'), ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1', 'DNS:stage0.lab']);
  });

  it('tlsTrustFor: env CA file, env pin, local self-signed cert for loopback only', async () => {
    const data = path.join(dir, 'd1');
    assert.equal(tlsTrustFor('http://127.0.0.1:8080', data, {}), undefined);
    assert.ok(tlsTrustFor('https://127.0.0.1:8080', data, {})?.ca);
    assert.ok(tlsTrustFor('https://[::1]:8080', data, {})?.ca);
    assert.equal(tlsTrustFor('https://10.0.0.5:8080', data, {}), undefined, 'a remote server is not trusted by a local file');
    const pin = 'AB:'.repeat(31) + 'AB';
    assert.deepEqual(tlsTrustFor('https://10.0.0.5:8080', data, { STAGE0_TLS_FINGERPRINT: pin.toLowerCase() }), { fingerprint256: pin });
    assert.ok(tlsTrustFor('https://10.0.0.5:8080', data, { STAGE0_TLS_CA_FILE: path.join(data, 'tls', 'cert.pem') })?.ca);
    assert.throws(() => normaliseFingerprint('abc'), /not a SHA-256/);
  });
});
