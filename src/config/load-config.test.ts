import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, validateConfig } from './load-config.ts';

test('defaults are safe: loopback API on 8080, DHCP off, SQLite', () => {
  const c = validateConfig({});
  assert.equal(c.api.listen, '127.0.0.1');
  assert.equal(c.api.port, 8080);
  assert.equal(c.dhcp.mode, 'off');
  assert.equal(c.store.kind, 'sqlite');
  assert.ok(Object.isFrozen(c.dhcp));
});

const bad: [string, unknown, string, RegExp][] = [
  ['unknown top-level key', { dchp: {} }, 'dchp', /unknown key/],
  ['wrong type', { api: { port: 'eighty' } }, 'api.port', /integer/i],
  ['bad enum', { dhcp: { mode: 'on' } }, 'dhcp.mode', /./],
  ['pool outside subnet', { dhcp: { subnets: [{ cidr: '10.0.0.0/24', pool: [{ start: '10.0.0.10', end: '10.0.1.5' }] }] } }, 'dhcp.subnets[0].pool[0].end', /outside 10\.0\.0\.0\/24/],
  ['bad octet', { dhcp: { subnets: [{ cidr: '10.0.0.0/24', router: '10.0.0.300' }] } }, 'dhcp.subnets[0].router', /not an IPv4/],
  ['reversed pool', { dhcp: { subnets: [{ cidr: '10.0.0.0/24', pool: [{ start: '10.0.0.9', end: '10.0.0.1' }] }] } }, 'dhcp.subnets[0].pool[0]', /after end/],
  ['dhcp on without interfaces', { boot: { httpBase: 'http://x' }, dhcp: { mode: 'proxy' } }, 'dhcp.interfaces', /at least one interface/],
  ['dhcp on without httpBase', { dhcp: { mode: 'proxy', interfaces: ['br0'] } }, 'boot.httpBase', /required/],
  ['postgres without url', { store: { kind: 'postgres' } }, 'store.url', /required/],
  ['exclusive with postgres', { store: { kind: 'postgres', url: 'postgres://h/db', exclusive: true } }, 'store.exclusive', /sqlite only/],
];
for (const [name, doc, key, message] of bad) {
  test(`config error names the key: ${name}`, () => {
    assert.throws(() => validateConfig(doc, 'x.yaml'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const p = err.problems.find((q) => q.key === key);
      assert.ok(p, `expected a problem at ${key}, got ${JSON.stringify(err.problems)}`);
      assert.match(p.message, message);
      assert.match(err.message, /^x\.yaml: /);
      return true;
    });
  });
}

test('loadConfig reads YAML from a real file and reports syntax errors', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's0cfg-'));
  const good = path.join(dir, 'good.yaml');
  await writeFile(good, 'api: { port: 9090 }\ndhcp:\n  mode: off\n');
  assert.equal((await loadConfig(good, {})).api.port, 9090);
  const broken = path.join(dir, 'broken.yaml');
  await writeFile(broken, 'api: [port: 1\n');
  await assert.rejects(loadConfig(broken, {}), (e: unknown) => e instanceof ConfigError && e.problems[0]?.key === '(syntax)');
  await assert.rejects(loadConfig(path.join(dir, 'missing.yaml'), {}), (e: unknown) => e instanceof ConfigError && e.problems[0]?.key === '(file)');
});

test('STAGE0_DATABASE_URL fills store.url without writing the secret in the file', () => {
  const c = validateConfig({ store: { kind: 'postgres' } }, 'x', { STAGE0_DATABASE_URL: 'postgres://u:p@127.0.0.1/db' });
  assert.equal(c.store.url, 'postgres://u:p@127.0.0.1/db');
});
