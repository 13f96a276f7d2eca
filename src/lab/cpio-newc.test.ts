// The newc writer checked by GNU cpio itself: list and extract a generated archive, compare files and links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCpioNewc, S_IFDIR, S_IFLNK, S_IFREG } from './cpio-newc.ts';
import { run } from './exec.ts';

test('GNU cpio extracts what encodeCpioNewc wrote: dirs, files of every padding length, symlinks, modes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-cpio-'));
  try {
    const files = [0, 1, 2, 3, 4, 5, 511, 4096].map((n) => ({ name: `d/f${n}`, data: Buffer.alloc(n, n % 251) }));
    const archive = encodeCpioNewc([
      { name: 'd', mode: S_IFDIR | 0o755 },
      ...files.map((f) => ({ ...f, mode: S_IFREG | 0o640 })),
      { name: '/d/odd-name-length', mode: S_IFREG | 0o755, data: '#!/bin/sh\n' },
      { name: 'd/link', mode: S_IFLNK | 0o777, data: '/bin/busybox' },
    ]);
    assert.equal(archive.length % 4, 0);
    writeFileSync(join(dir, 'a.cpio'), archive);
    const listed = await run('cpio', ['-t', '--quiet', '-F', join(dir, 'a.cpio')]);
    assert.deepEqual(listed.stdout.trim().split('\n'), ['d', ...files.map((f) => f.name), 'd/odd-name-length', 'd/link']);
    const out = join(dir, 'x');
    await run('mkdir', [out]);
    await run('cpio', ['-i', '-d', '--quiet', '--no-absolute-filenames', '-F', join(dir, 'a.cpio')], { cwd: out });
    for (const f of files) assert.deepEqual(readFileSync(join(out, f.name)), f.data, f.name);
    assert.equal(readFileSync(join(out, 'd/odd-name-length'), 'utf8'), '#!/bin/sh\n');
    assert.equal(statSync(join(out, 'd/odd-name-length')).mode & 0o777, 0o755);
    assert.equal(readlinkSync(join(out, 'd/link')), '/bin/busybox');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('output is reproducible (no timestamps, owners or inode noise)', () => {
  const entries = [{ name: 'init', mode: S_IFREG | 0o755, data: 'x' }];
  assert.deepEqual(encodeCpioNewc(entries), encodeCpioNewc(entries));
  assert.equal(encodeCpioNewc([]).subarray(0, 6).toString(), '070701');
});
