// Opens a file under a root directory and proves, on the open descriptor, that it is inside the root: the kernel's
// own name for what was opened (/proc/self/fd/N) must start with the root's real path. Checking the descriptor
// rather than a resolved name leaves no window in which a symlink swapped into the path could lead elsewhere, and
// costs one open plus two cheap calls instead of a realpath (a readlink per path component) before the open.
// Callers validate the requested name (no "..", no NUL) first; this is the symlink half of a path jail.
import { fstatSync, readlinkSync, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export type OpenInRoot =
  | { ok: true; fh: FileHandle; /** the file's real path */ real: string; stats: Stats }
  | { ok: false; reason: 'not-found' | 'outside' | 'not-a-file' };

/**
 * How long a root's real path is trusted before it is resolved again (the root itself may be a link that moves). For
 * that long after a move, a link in the new tree into the old one would still pass: the old tree was served a moment ago.
 */
const ROOT_TTL_MS = 1000;

/** One served directory: its real path cached for ROOT_TTL_MS, and opens of relative names checked against it. */
export class RootDirectory {
  readonly root: string;
  #real: { path: string; at: number } | undefined;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async #realRoot(fresh: boolean): Promise<string> {
    const now = Date.now();
    if (fresh || !this.#real || now - this.#real.at > ROOT_TTL_MS) this.#real = { path: await realpath(this.root), at: now };
    return this.#real.path;
  }

  /**
   * Opens `relative` (already validated: no "..", no NUL; "/"-separated) for reading. A missing file or root is
   * 'not-found'; a file whose real path leaves the root is 'outside'; a directory or device is 'not-a-file'; other
   * failures (permissions, too many open files) are thrown. On ok the caller owns `fh` and must close it.
   */
  async open(relative: string): Promise<OpenInRoot> {
    // Opened through the configured root, not the cached real path: when the root is a link that was moved, the
    // kernel follows it to the new tree, and the check below notices and re-resolves the root.
    const name = path.join(this.root, relative);
    let base: string;
    let fh: FileHandle;
    try {
      base = await this.#realRoot(false);
      fh = await open(name, 'r');
    } catch (err) {
      if (isMissing(err)) return { ok: false, reason: 'not-found' };
      throw err;
    }
    try {
      const real = await realPathOf(fh, name);
      if (!inside(real, base)) {
        // The root may have moved since it was cached: check once more against its real path now.
        base = await this.#realRoot(true);
        if (!inside(real, base)) return close(fh, { ok: false, reason: 'outside' });
      }
      const stats = fstatSync(fh.fd);
      if (!stats.isFile()) return close(fh, { ok: false, reason: 'not-a-file' });
      return { ok: true, fh, real, stats };
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
  }
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);
const isMissing = (err: unknown) => MISSING.has((err as NodeJS.ErrnoException).code ?? '');

const inside = (real: string, base: string) => real.startsWith(base.endsWith(path.sep) ? base : base + path.sep);

/** What the descriptor really is; without /proc (not Linux, or not mounted) the name resolved now, as before. */
async function realPathOf(fh: FileHandle, opened: string): Promise<string> {
  try {
    return readlinkSync(`/proc/self/fd/${fh.fd}`);
  } catch {
    return realpath(opened);
  }
}

async function close<T>(fh: FileHandle, result: T): Promise<T> {
  await fh.close().catch(() => {});
  return result;
}
