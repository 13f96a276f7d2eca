// Image catalog on real files: raw and gz adds hash the raw bytes, bad gzip refused, versions, remove, ImageCatalog.get.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ImageStore } from './image-store.ts';

let dataDir: string;
before(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 's0-images-'))));
after(async () => rm(dataDir, { recursive: true, force: true }));

const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) & 0xff));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
// Small chunks: the store must hash across chunk boundaries.
const chunks = (b: Buffer) => Readable.from(Array.from({ length: Math.ceil(b.length / 7001) }, (_, i) => b.subarray(i * 7001, (i + 1) * 7001)));

test('raw: sha256 and size of the bytes, meta.json, ImageCatalog.get', async () => {
  const store = new ImageStore(dataDir);
  const meta = await store.add('plain', chunks(bytes), 'raw', { now: new Date('2026-01-02T03:04:05Z') });
  assert.deepEqual(meta, { name: 'plain', format: 'raw', file: 'disk.raw', sha256: sha(bytes), size: bytes.length, storedBytes: bytes.length, addedAt: '2026-01-02T03:04:05.000Z', version: 1 });
  assert.deepEqual(JSON.parse(await readFile(path.join(dataDir, 'images/plain/meta.json'), 'utf8')), meta);
  assert.ok((await readFile(path.join(dataDir, 'images/plain/disk.raw'))).equals(bytes));
  assert.deepEqual(await store.get('plain'), { name: 'plain', format: 'raw', sha256: sha(bytes), size: bytes.length, urlPath: '/boot/images/plain/disk.raw' });
  assert.equal(await store.get('nope'), undefined);
});

test('gz: stored as given, checksum and size are of the uncompressed bytes', async () => {
  const store = new ImageStore(dataDir);
  const gz = gzipSync(bytes);
  const meta = await store.add('packed', chunks(gz), 'gz');
  assert.equal(meta.sha256, sha(bytes));
  assert.equal(meta.size, bytes.length);
  assert.equal(meta.storedBytes, gz.length);
  assert.equal((await store.get('packed'))?.urlPath, '/boot/images/packed/disk.raw.gz');
  assert.ok((await readFile(path.join(dataDir, 'images/packed/disk.raw.gz'))).equals(gz));
});

test('a truncated or non-gzip file is refused and leaves nothing behind', async () => {
  const store = new ImageStore(dataDir);
  const gz = gzipSync(bytes);
  await assert.rejects(store.add('cut', chunks(gz.subarray(0, gz.length - 100)), 'gz'), /not a valid gzip/);
  await assert.rejects(store.add('notgz', chunks(bytes), 'gz'), /not a valid gzip/);
  assert.equal(await store.meta('cut'), undefined);
  assert.deepEqual((await readdir(path.join(dataDir, 'images'))).filter((n) => n.startsWith('.')), [], 'no temporary directories left');
});

test('names are checked; an existing name needs replace, which bumps the version', async () => {
  const store = new ImageStore(dataDir);
  for (const bad of ['../x', 'a/b', '', '.hidden', 'x'.repeat(64)]) await assert.rejects(store.add(bad, chunks(bytes), 'raw'), /image name/, bad);
  await store.add('v', chunks(bytes), 'raw');
  await assert.rejects(store.add('v', chunks(bytes), 'raw'), (err: Error & { kind?: string }) => err.kind === 'conflict');
  const other = Buffer.from('another image');
  const v2 = await store.add('v', Readable.from([other]), 'raw', { replace: true });
  assert.equal(v2.version, 2);
  assert.equal((await store.get('v'))?.sha256, sha(other));
  await assert.rejects(store.add('empty', Readable.from([Buffer.alloc(0)]), 'raw'), /empty/);
});

test('list, file lookup (only the file meta.json names), remove', async () => {
  const store = new ImageStore(dataDir);
  const names = (await store.list()).map((m) => m.name);
  assert.deepEqual(names, [...names].sort());
  assert.ok(names.includes('plain') && names.includes('packed'));
  assert.equal((await store.file('plain', 'disk.raw'))?.size, bytes.length);
  assert.equal(await store.file('plain', 'meta.json'), undefined);
  assert.equal(await store.file('plain', 'disk.raw.gz'), undefined);
  const gone = await store.remove('plain');
  assert.equal(gone.name, 'plain');
  assert.equal(existsSync(path.join(dataDir, 'images/plain')), false);
  await assert.rejects(store.remove('plain'), (err: Error & { kind?: string }) => err.kind === 'not-found');
});

test('two uploads of one name at once: one image, the other refused; with replace, two versions, never the same twice', async () => {
  const store = new ImageStore(dataDir);
  const other = Buffer.from(bytes).reverse();
  const both = await Promise.allSettled([store.add('race', chunks(bytes), 'raw'), store.add('race', chunks(other), 'raw')]);
  assert.deepEqual(both.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const lost = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.match(String(lost.reason), /image race was added \(version 1\) while this upload ran/);
  const replaced = await Promise.all([store.add('race', chunks(other), 'raw', { replace: true }), store.add('race', chunks(bytes), 'raw', { replace: true })]);
  assert.deepEqual(replaced.map((m) => m.version).sort(), [2, 3]);
  const last = replaced.find((m) => m.version === 3)!;
  assert.equal((await store.meta('race'))?.sha256, last.sha256, 'the last commit is what is stored');
  assert.equal(sha(await readFile(path.join(dataDir, 'images/race/disk.raw'))), last.sha256);
  assert.deepEqual((await readdir(path.join(dataDir, 'images'))).filter((f) => f.startsWith('.tmp')), [], 'no upload left behind');
});

test('an upload larger than the free space is refused before a byte is written', async () => {
  const store = new ImageStore(dataDir);
  await assert.rejects(store.add('huge', chunks(bytes), 'raw', { expectedBytes: 2 ** 52 }), /image huge needs 4503599627370496 bytes but the disk of .* has \d+ free/);
  assert.equal(existsSync(path.join(dataDir, 'images/huge')), false);
  assert.deepEqual((await readdir(path.join(dataDir, 'images'))).filter((f) => f.startsWith('.tmp')), []);
});
