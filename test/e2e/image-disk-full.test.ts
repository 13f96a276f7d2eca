// A disk that fills during an image upload: the upload ends with a clear error, nothing is kept under the name, and
// the next upload that fits works. A real (small) filesystem: tmpfs of 8 MiB mounted for the test (needs root).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ImageStore } from '../../src/images/catalog/image-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 's0t-disk-full-'));
before(() => {
  if (process.getuid?.() !== 0) throw new Error('mounting a small tmpfs needs root: run as root (sudo bash scripts/test.sh e2e)');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'stage0-test-disk-full', dir]);
});
after(() => {
  try {
    execFileSync('umount', [dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `mib` MiB in 64 KiB chunks, without saying its size (no Content-Length: the free-space check cannot catch it). */
const stream = (mib: number) => Readable.from((function* () {
  for (let i = 0; i < mib * 16; i++) yield Buffer.alloc(65536, i & 0xff);
})());

test('ENOSPC during an upload: a clear error, nothing kept; an image that fits is stored afterwards', async () => {
  const store = new ImageStore(dir);
  await assert.rejects(store.add('too-big', stream(16), 'raw'), /no space left on the disk of .* after \d+ bytes of image too-big: nothing was kept/);
  assert.deepEqual(readdirSync(path.join(dir, 'images')), [], 'no partial image, no temporary directory');
  const meta = await store.add('fits', stream(2), 'raw');
  assert.equal(meta.size, 2 * 1024 * 1024);
  assert.deepEqual(readdirSync(path.join(dir, 'images')), ['fits']);
  // Told the size first, the store refuses at once what the disk cannot hold.
  await assert.rejects(store.add('told', stream(1), 'raw', { expectedBytes: 7 * 1024 * 1024 }), /needs 7340032 bytes but the disk of .* has \d+ free/);
});
