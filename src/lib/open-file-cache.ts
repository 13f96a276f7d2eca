// Open descriptors of a served directory, shared by the requests of a short window (nginx's open_file_cache): in a
// boot storm a thousand machines ask for the same boot program, kernel and initrd within seconds, and each open and
// close through Node's thread pool cost more than sending a 74 KB program (bench/RESULTS.md, session 11). Senders
// read by offset (sendfile with its own offset, positioned reads), so one descriptor serves any number of them.
//
// What an operator sees: a file replaced or a link moved is served from the next request that comes more than
// `ttlMs` after the old one was opened (1 s by default); a request already under way finishes with the file it began
// with. Refusals and misses are not cached: a file that appears is served at once.
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { OpenInRoot, RootDirectory } from './open-in-root.ts';

/** A shared open file: read it by offset, never close it; call release() once when done with it. */
export interface SharedFile {
  fh: FileHandle;
  real: string;
  stats: Stats;
  release(): void;
}

export type SharedOpen = { ok: true; file: SharedFile } | { ok: false; reason: 'not-found' | 'outside' | 'not-a-file' };

interface Entry {
  opened: Promise<OpenInRoot>;
  at: number;
  refs: number;
  /** No longer handed out (stale, evicted or the cache closed): closed when the last user releases it. */
  retired: boolean;
}

export interface OpenFileCacheOptions {
  /** How long an open descriptor is handed to new requests (default 1000 ms). */
  ttlMs?: number;
  /** Most files kept open at once (default 128); the oldest is retired beyond that. */
  maxFiles?: number;
  now?: () => number;
}

export class OpenFileCache {
  readonly #root: RootDirectory;
  readonly #ttlMs: number;
  readonly #maxFiles: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  constructor(root: RootDirectory, opts: OpenFileCacheOptions = {}) {
    this.#root = root;
    this.#ttlMs = opts.ttlMs ?? 1000;
    this.#maxFiles = opts.maxFiles ?? 128;
    this.#now = opts.now ?? Date.now;
    // Idle descriptors of stale entries are closed within a window or two, so a deleted file's space is given back.
    this.#sweep = setInterval(() => this.#retireStale(), Math.max(this.#ttlMs, 100)).unref();
  }

  /** Files open now (handed out or idle), for tests and counters. */
  get openFiles(): number {
    return this.#entries.size;
  }

  async open(relative: string): Promise<SharedOpen> {
    if (this.#closed) throw new Error('OpenFileCache: closed');
    let entry = this.#entries.get(relative);
    if (entry && this.#now() - entry.at > this.#ttlMs) {
      this.#retire(relative, entry);
      entry = undefined;
    }
    if (!entry) {
      entry = { opened: this.#root.open(relative), at: this.#now(), refs: 0, retired: false };
      this.#entries.set(relative, entry);
      if (this.#entries.size > this.#maxFiles) {
        const [oldestName, oldest] = this.#entries.entries().next().value as [string, Entry];
        this.#retire(oldestName, oldest);
      }
    }
    entry.refs++;
    const e = entry;
    let r: OpenInRoot;
    try {
      r = await e.opened;
    } catch (err) {
      e.refs--;
      this.#retire(relative, e);
      throw err;
    }
    if (!r.ok) {
      e.refs--;
      this.#retire(relative, e); // misses and refusals are asked again next time
      return r;
    }
    let released = false;
    return {
      ok: true,
      file: {
        fh: r.fh,
        real: r.real,
        stats: r.stats,
        release: () => {
          if (released) return;
          released = true;
          e.refs--;
          if (e.retired) this.#closeIfUnused(e);
        },
      },
    };
  }

  /** Retires every entry; descriptors still in use close when their last user releases them. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweep);
    for (const [name, e] of [...this.#entries]) this.#retire(name, e);
  }

  #retireStale(): void {
    const now = this.#now();
    for (const [name, e] of [...this.#entries]) if (now - e.at > this.#ttlMs) this.#retire(name, e);
  }

  #retire(name: string, e: Entry): void {
    if (this.#entries.get(name) === e) this.#entries.delete(name);
    e.retired = true;
    this.#closeIfUnused(e);
  }

  #closeIfUnused(e: Entry): void {
    if (e.refs !== 0) return; // in use, or already closed (-1)
    e.refs = -1;
    void e.opened.then((r) => (r.ok ? r.fh.close() : undefined)).catch(() => {});
  }
}
