// Where the TFTP service gets file bytes from: the small interface it owns, plus an in-memory file.

/** The requesting client; `mac` is filled in when the wiring can map the address to a MAC (DHCP leases). */
export interface TftpClient {
  readonly address: string;
  readonly port: number;
  readonly mac?: string;
}

/** An open file. `read` may return a view of shared memory: callers must not modify it. */
export interface TftpFile {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
  /** Same as read, for content already in memory: lets a transfer answer an ACK without a promise hop. */
  readSync?(offset: number, length: number): Buffer;
  /** Releases a file handle, when the source holds one. Called once when the transfer ends. */
  close?(): Promise<void>;
}

/** Returns the file, `undefined` when it does not exist, or throws TftpAccessDenied to refuse. */
export interface TftpFileSource {
  open(path: string, client: TftpClient): Promise<TftpFile | undefined>;
}

/** Thrown by a source that refuses a path (outside the root, NUL byte…); answered with ERROR 2. */
export class TftpAccessDenied extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`access denied: ${reason}`);
    this.name = 'TftpAccessDenied';
    this.reason = reason;
  }
}

/** A file held in memory (generated content, cached boot files). */
export function memoryFile(content: Buffer): TftpFile {
  return {
    size: content.length,
    read: async (offset, length) => content.subarray(offset, offset + length),
    readSync: (offset, length) => content.subarray(offset, offset + length),
  };
}

/** Tries each source in order; the first that has the file wins, and a refusal stops the search. */
export function chainFileSources(...sources: TftpFileSource[]): TftpFileSource {
  return {
    async open(path, client) {
      for (const source of sources) {
        const file = await source.open(path, client);
        if (file !== undefined) return file;
      }
      return undefined;
    },
  };
}

/** Hook for per-node files (`pxelinux.cfg/01-<mac>`, `grub.cfg-<mac>`); `undefined` means "not mine". */
export type TftpFileGenerator = (
  path: string,
  client: TftpClient,
) => string | Buffer | undefined | Promise<string | Buffer | undefined>;

/** A source whose files are produced on request by the boot layer. Strings are served as UTF-8. */
export function generatedFileSource(generate: TftpFileGenerator): TftpFileSource {
  return {
    async open(path, client) {
      const content = await generate(path, client);
      if (content === undefined) return undefined;
      return memoryFile(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    },
  };
}
