// Keeps the content of recently served files in memory (LRU, bounded in bytes) so a rack booting at
// once reads undionly.kpxe / ipxe.efi from disk once, not once per client.
import type { Stats } from 'node:fs';

interface Entry {
  readonly content: Buffer;
  readonly ino: number;
  readonly mtimeMs: number;
}

export class BootFileCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Buffer>>();
  private total = 0;
  hits = 0;
  misses = 0;

  constructor(
    readonly maxFileBytes: number,
    readonly maxTotalBytes: number,
  ) {}

  /** Whether a file of this size is worth caching at all. */
  fits(size: number): boolean {
    return size <= this.maxFileBytes && size <= this.maxTotalBytes;
  }

  /** Cached content if the file is unchanged (same inode, size, mtime), else loads it once, however many ask. */
  async get(key: string, st: Stats, load: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.entries.get(key);
    if (hit && hit.ino === st.ino && hit.mtimeMs === st.mtimeMs && hit.content.length === st.size) {
      this.entries.delete(key); // re-insert: Map order is the LRU order
      this.entries.set(key, hit);
      this.hits++;
      return hit.content;
    }
    const stamp = `${key}\0${st.ino}\0${st.mtimeMs}\0${st.size}`;
    const pending = this.loading.get(stamp);
    if (pending) {
      this.hits++;
      return pending;
    }
    this.misses++;
    const p = load().finally(() => this.loading.delete(stamp));
    this.loading.set(stamp, p);
    const content = await p;
    this.store(key, { content, ino: st.ino, mtimeMs: st.mtimeMs });
    return content;
  }

  private store(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) {
      this.total -= old.content.length;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.total += entry.content.length;
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxTotalBytes) break;
      this.entries.delete(k);
      this.total -= e.content.length;
    }
  }
}
