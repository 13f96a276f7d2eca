// The image catalog through a running stage0: CLI image add|ls|rm over the API, the boot route (full, Range, HEAD), events.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { call, startTestServer, type TestServer } from '../../../test/support/stage0-server.ts';
import { runCli } from '../../../test/support/run-cli.ts';

let server: TestServer;
const image = randomBytes(3 * 1024 * 1024 + 17);
const sha = createHash('sha256').update(image).digest('hex');

before(async () => {
  server = await startTestServer('sqlite');
});
after(async () => server?.stop());

const cli = (...args: string[]) => runCli(args, { STAGE0_URL: server.url });

test('image add (raw and .gz) computes the raw checksum; ls lists both; duplicates refused', async () => {
  const raw = path.join(server.dataDir, 'upload.raw');
  const gz = path.join(server.dataDir, 'upload.raw.gz');
  writeFileSync(raw, image);
  writeFileSync(gz, gzipSync(image));
  const a = await cli('image', 'add', 'plain', raw, '--json');
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual({ ...JSON.parse(a.stdout), addedAt: 'x' }, { name: 'plain', format: 'raw', file: 'disk.raw', sha256: sha, size: image.length, storedBytes: image.length, addedAt: 'x', version: 1 });
  const b = await cli('image', 'add', 'packed', gz);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, new RegExp(`added packed v1: gz, ${image.length} bytes raw, sha256 ${sha}`));
  const dup = await cli('image', 'add', 'plain', raw);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /image plain exists/);
  const badGz = await cli('image', 'add', 'broken', raw, '--format', 'gz');
  assert.notEqual(badGz.code, 0);
  assert.match(badGz.stderr, /not a valid gzip/);
  const ls = await cli('image', 'ls');
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^NAME\s+FORMAT\s+SIZE/);
  assert.match(ls.stdout, /\npacked\s+gz\s+\d+/);
  assert.match(ls.stdout, /\nplain\s+raw\s+\d+/);
  assert.doesNotMatch(ls.stdout, /broken/);
});

test('boot route serves the stored file without credentials: full body, Range, HEAD; unknown names 404', async () => {
  const base = server.url;
  const full = await fetch(`${base}/boot/images/plain/disk.raw`);
  assert.equal(full.status, 200);
  assert.equal(createHash('sha256').update(Buffer.from(await full.arrayBuffer())).digest('hex'), sha);
  const part = await fetch(`${base}/boot/images/plain/disk.raw`, { headers: { range: 'bytes=1000-1999' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${image.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(image.subarray(1000, 2000)));
  const head = await fetch(`${base}/boot/images/packed/disk.raw.gz`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), gzipSync(image).length);
  for (const p of ['/boot/images/plain/meta.json', '/boot/images/plain/disk.raw.gz', '/boot/images/nope/disk.raw', '/boot/images/..%2fstage0.db/disk.raw']) {
    assert.equal((await fetch(`${base}${p}`)).status, 404, p);
  }
});

test('API: show, remove (image.removed event), and 404 for what is gone', async () => {
  const show = await call(server.url, 'GET', '/api/v1/images/packed');
  assert.equal(show.status, 200);
  assert.equal(show.body.sha256, sha);
  const rm = await cli('image', 'rm', 'packed');
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stdout, /removed packed v1/);
  assert.equal((await call(server.url, 'GET', '/api/v1/images/packed')).status, 404);
  assert.equal((await fetch(`${server.url}/boot/images/packed/disk.raw.gz`)).status, 404);
  const again = await cli('image', 'rm', 'packed');
  assert.equal(again.code, 4);
  const ev = await call(server.url, 'GET', '/api/v1/events?kind=image.added,image.removed');
  assert.deepEqual(ev.body.items.map((e: { kind: string; details: { name: string } }) => `${e.kind} ${e.details.name}`), ['image.added plain', 'image.added packed', 'image.removed packed']);
});
