// Serves files from one directory, jailed: names are checked (tftp-path-jail.ts) and then resolved
// with realpath so a symlink cannot lead outside the root. Small files are served from a cache.
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';
import { BootFileCache } from './boot-file-cache.ts';
import { memoryFile, TftpAccessDenied, type TftpClient, type TftpFile, type TftpFileSource } from './tftp-file-source.ts';
import { silentTftpLog, type TftpLog } from './tftp-log.ts';
import { jailPath } from './tftp-path-jail.ts';

export interface DirectorySourceOptions {
  /** Files up to this size are kept in memory (default 32 MiB: NBPs, kernels served by pxelinux). */
  cacheMaxFileBytes?: number;
  /** Memory bound of the cache (default 256 MiB). */
  cacheMaxTotalBytes?: number;
  log?: TftpLog;
}

export interface DirectoryFileSource extends TftpFileSource {
  readonly root: string;
  stats(): { refused: number; cacheHits: number; cacheMisses: number };
}

const MiB = 1024 * 1024;
const READ_AHEAD_BYTES = 256 * 1024;

export function directoryFileSource(root: string, opts: DirectorySourceOptions = {}): DirectoryFileSource {
  const log = opts.log ?? silentTftpLog;
  const cache = new BootFileCache(opts.cacheMaxFileBytes ?? 32 * MiB, opts.cacheMaxTotalBytes ?? 256 * MiB);
  let realRoot: Promise<string> | undefined;
  let refused = 0;

  const refuse = (path: string, client: TftpClient, reason: string): never => {
    refused++;
    log.warn({ client: `${client.address}:${client.port}`, path, reason }, 'tftp: path refused');
    throw new TftpAccessDenied(reason);
  };

  return {
    root,
    stats: () => ({ refused, cacheHits: cache.hits, cacheMisses: cache.misses }),
    async open(path, client): Promise<TftpFile | undefined> {
      const jailed = jailPath(path);
      if (!jailed.ok) return refuse(path, client, jailed.reason);
      realRoot ??= realpath(root);
      const base = await realRoot;
      let resolved: string;
      try {
        resolved = await realpath(`${base}${sep}${jailed.relative}`);
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      if (!resolved.startsWith(base + sep)) return refuse(path, client, 'resolves outside the root');
      let fh;
      try {
        // O_NOFOLLOW: the last component was resolved above; refuse if it was swapped for a link since.
        fh = await open(resolved, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (err) {
        if (isMissing(err)) return undefined;
        if ((err as NodeJS.ErrnoException).code === 'ELOOP') return refuse(path, client, 'symlink swapped in');
        throw err;
      }
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return undefined;
      }
      if (cache.fits(st.size)) {
        try {
          return memoryFile(await cache.get(resolved, st, () => readAll(fh, st.size)));
        } finally {
          await fh.close();
        }
      }
      return handleFile(fh, st.size);
    },
  };
}

/** Reads ahead in 256 KiB chunks: a lock-step client asks for one block at a time, one syscall each otherwise. */
function handleFile(fh: FileHandle, size: number): TftpFile {
  let chunk = { offset: 0, data: Buffer.alloc(0) };
  return {
    size,
    async read(offset, length) {
      const end = offset + length;
      if (offset < chunk.offset || end > chunk.offset + chunk.data.length) {
        const want = Math.max(length, READ_AHEAD_BYTES);
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await fh.read(buf, 0, want, offset);
        chunk = { offset, data: buf.subarray(0, bytesRead) };
      }
      return chunk.data.subarray(offset - chunk.offset, end - chunk.offset);
    },
    close: () => fh.close(),
  };
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function readAll(fh: FileHandle, size: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const { bytesRead } = await fh.read(buf, done, size - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}
