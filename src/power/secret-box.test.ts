// SecretBox (AES-256-GCM), key file handling, redactBmc() and pino redaction of BMC passwords.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { BMC_LOG_REDACT_PATHS, redactBmc } from './redact-bmc.ts';
import { createSecretBox, isSealed, loadSecretKey } from './secret-box.ts';

const dir = mkdtempSync(join(tmpdir(), 's0t-secret-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SecretBox', () => {
  const box = createSecretBox(Buffer.alloc(32, 7));
  it('round-trips and never repeats a ciphertext', () => {
    const a = box.seal('labpass');
    const b = box.seal('labpass');
    assert.ok(isSealed(a) && a !== b && !a.includes('labpass'));
    assert.equal(box.open(a), 'labpass');
    assert.equal(box.open(box.seal('')), '');
    assert.equal(box.open(box.seal('pässwörd ✓')), 'pässwörd ✓');
  });
  it('refuses another key, tampering and plain text', () => {
    const s = box.seal('secret');
    assert.throws(() => createSecretBox(Buffer.alloc(32, 8)).open(s), /wrong key or tampered/);
    // change one ciphertext character for another (comparing the character replaced: the old test compared the
    // last one and, 1 time in 64, "tampered" nothing)
    const t = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.slice(-1);
    assert.notEqual(t, s);
    assert.throws(() => box.open(t), /wrong key or tampered|truncated/);
    assert.throws(() => box.open('secret'), /not a sealed secret/);
  });
});

describe('loadSecretKey', () => {
  it('creates <dataDir>/secret.key 0600 once and reuses it', () => {
    const d = join(dir, 'data');
    const k1 = loadSecretKey({ dataDir: d, env: {} });
    assert.equal(statSync(join(d, 'secret.key')).mode & 0o777, 0o600);
    assert.deepEqual(loadSecretKey({ dataDir: d, env: {} }), k1);
    const sealed = createSecretBox(k1).seal('x');
    assert.equal(createSecretBox(loadSecretKey({ dataDir: d, env: {} })).open(sealed), 'x');
  });
  it('prefers STAGE0_SECRET_KEY (hex or base64) and checks its length', () => {
    const hex = 'ab'.repeat(32);
    assert.deepEqual(loadSecretKey({ dataDir: join(dir, 'none'), env: { STAGE0_SECRET_KEY: hex } }), Buffer.from(hex, 'hex'));
    assert.deepEqual(loadSecretKey({ dataDir: dir, env: { STAGE0_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') } }), Buffer.alloc(32, 1));
    assert.throws(() => loadSecretKey({ dataDir: dir, env: { STAGE0_SECRET_KEY: 'short' } }), /STAGE0_SECRET_KEY: expected 32 bytes/);
  });
  it('refuses a key file others can read', () => {
    const d = join(dir, 'loose');
    loadSecretKey({ dataDir: d, env: {} });
    chmodSync(join(d, 'secret.key'), 0o644);
    assert.throws(() => loadSecretKey({ dataDir: d, env: {} }), /readable by others.*chmod 600/);
  });
});

describe('redaction', () => {
  it('redactBmc replaces plain and effective password values only', () => {
    assert.deepEqual(redactBmc({ 'bmc.password': 's0enc:v1:xx', 'bmc.username': 'admin' }), { 'bmc.password': '[redacted]', 'bmc.username': 'admin' });
    assert.deepEqual(redactBmc({ 'bmc.password': { value: 's0enc:v1:xx', from: { kind: 'group', name: 'rack1' } } }), {
      'bmc.password': { value: '[redacted]', from: { kind: 'group', name: 'rack1' } },
    });
    assert.deepEqual(redactBmc({ ip: '10.0.0.1' }), { ip: '10.0.0.1' });
  });
  it('pino with BMC_LOG_REDACT_PATHS never writes the password', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const log = pino({ redact: [...BMC_LOG_REDACT_PATHS] }, sink);
    log.info({ bmc: { address: '10.0.0.9', username: 'admin', password: 'hunter2' } }, 'power on');
    log.info({ node: { name: 'n1', attrs: { 'bmc.password': 'hunter2' } } }, 'node');
    log.info({ attrs: { 'bmc.password': 'hunter2', ip: '10.1.1.1' } }, 'patch');
    log.info({ target: { password: 'hunter2' } }, 'target');
    log.info({ req: { body: { attrs: { 'bmc.password': 'hunter2' } } } }, 'request');
    assert.equal(lines.length, 5);
    for (const l of lines) assert.ok(!l.includes('hunter2'), l);
    assert.match(lines[2]!, /10\.1\.1\.1/);
  });
});
