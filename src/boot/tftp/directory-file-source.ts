// Serves files from one directory, jailed: names are checked (tftp-path-jail.ts), and what is opened is checked on
// its descriptor (lib/open-in-root.ts) so a symlink cannot lead outside the root. Small files are served from a cache.
import type { FileHandle } from 'node:fs/promises';
import { RootDirectory } from '../../lib/open-in-root.ts';
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
  const dir = new RootDirectory(root);
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
      const opened = await dir.open(jailed.relative);
      if (!opened.ok) return opened.reason === 'outside' ? refuse(path, client, 'resolves outside the root') : undefined;
      const { fh, real, stats: st } = opened;
      if (cache.fits(st.size)) {
        try {
          return memoryFile(await cache.get(real, st, () => readAll(fh, st.size)));
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
