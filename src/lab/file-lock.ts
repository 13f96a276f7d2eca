// A lock file (O_EXCL) so parallel test files or CLI calls don't build the same boot assets at the same time.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { sleep } from './exec.ts';

/** Runs fn while holding `lockPath`; a lock older than staleMs (a crashed holder) is broken. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: { timeoutMs?: number; staleMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const staleMs = opts.staleMs ?? 600_000;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(safeRead(lockPath));
      const age = Date.now() - safeMtime(lockPath);
      if (age > staleMs || (holder > 0 && !pidAlive(holder))) rmSync(lockPath, { force: true });
      else if (Date.now() > deadline) throw new Error(`${lockPath} held by pid ${holder} for ${Math.round(age / 1000)} s`);
      else await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

const safeRead = (p: string): string => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
};
const safeMtime = (p: string): number => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
};
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
