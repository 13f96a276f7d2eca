// Detached processes are tracked by PID + start time and stopped by PID (SIGTERM, then SIGKILL for stubborn ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, spawnDetached, stopProcesses } from './processes.ts';

test('spawnDetached logs output, isRunning follows the process, stopProcesses ends TERM-ignoring ones too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-proc-'));
  try {
    const polite = spawnDetached('a', 'sh', ['-c', 'echo hello; exec sleep 30'], join(dir, 'a.log'));
    const stubborn = spawnDetached('b', 'sh', ['-c', "trap '' TERM; while :; do sleep 0.1; done"], join(dir, 'b.log'));
    assert.ok(polite.startTime > 0);
    assert.ok(isRunning(polite) && isRunning(stubborn));
    const t0 = Date.now();
    await stopProcesses([polite, stubborn], 500);
    assert.ok(!isRunning(polite) && !isRunning(stubborn));
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(readFileSync(join(dir, 'a.log'), 'utf8'), 'hello\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a recorded PID whose start time differs (PID reused) is not ours: not running, never signalled', async () => {
  const other = spawnDetached('c', 'sleep', ['30'], '/dev/null');
  try {
    const impostor = { ...other, startTime: other.startTime + 1 };
    assert.equal(isRunning(impostor), false);
    await stopProcesses([impostor], 100);
    assert.equal(isRunning(other), true);
  } finally {
    await stopProcesses([other]);
  }
});
