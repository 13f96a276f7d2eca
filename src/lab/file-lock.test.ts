// withFileLock serialises concurrent holders and breaks the lock of a dead holder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './exec.ts';
import { withFileLock } from './file-lock.ts';

test('two holders never overlap; the lock file is gone afterwards', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-lock-'));
  try {
    const lock = join(dir, 'l');
    let inside = 0;
    let maxInside = 0;
    const work = () => withFileLock(lock, async () => {
      maxInside = Math.max(maxInside, ++inside);
      await sleep(100);
      inside--;
    });
    await Promise.all([work(), work(), work()]);
    assert.equal(maxInside, 1);
    assert.equal(existsSync(lock), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead process is broken at once; a live holder past the timeout is an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-lock-'));
  try {
    const lock = join(dir, 'l');
    writeFileSync(lock, '999999999'); // no such PID
    assert.equal(await withFileLock(lock, async () => 'ran', { timeoutMs: 2000 }), 'ran');
    writeFileSync(lock, String(process.pid));
    await assert.rejects(withFileLock(lock, async () => 'x', { timeoutMs: 300 }), /held by pid/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
