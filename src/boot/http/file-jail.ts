// Resolves a requested file name inside a root directory, refusing anything that would leave it (.., absolute, symlinks out).
import path from 'node:path';
import { RootDirectory } from '../../lib/open-in-root.ts';
import type { OpenFileCache, SharedFile } from '../../lib/open-file-cache.ts';

export type JailReason = 'traversal' | 'not-found' | 'not-a-file';
export type JailResult = { ok: true; file: string; size: number; mtime: Date } | { ok: false; reason: JailReason };
/** An opened file, shared with other requests: read by offset, release() when done (never close it). */
export type JailOpen = { ok: true; shared: SharedFile; file: string; size: number; mtime: Date } | { ok: false; reason: JailReason };

/** The requested name as a path relative to the root, or undefined when it tries to leave it by name (.., NUL, "\", "//"). */
function relativeName(requested: string): string | undefined {
  if (requested.includes('\0') || requested.includes('\\') || requested.startsWith('//')) return undefined;
  const parts = requested.split('/').filter((p) => p !== '' && p !== '.');
  return parts.some((p) => p === '..') ? undefined : parts.join('/');
}

/** Opens `requested` under the cache's root; symlinks may point anywhere inside it, not out of it (checked on the descriptor). */
export async function openInJail(files: OpenFileCache, requested: string): Promise<JailOpen> {
  const relative = relativeName(requested);
  if (relative === undefined) return { ok: false, reason: 'traversal' };
  if (relative === '') return { ok: false, reason: 'not-a-file' };
  // Any failure to open reads as absent, as before: a client learns nothing about the server's files from it.
  const r = await files.open(relative).catch(() => ({ ok: false, reason: 'not-found' }) as const);
  if (!r.ok) return { ok: false, reason: r.reason === 'outside' ? 'traversal' : r.reason };
  return { ok: true, shared: r.file, file: r.file.real, size: r.file.stats.size, mtime: r.file.stats.mtime };
}

/** Whether `requested` could be served from `root`, without keeping it open (checks at start). */
export async function resolveInJail(root: string, requested: string): Promise<JailResult> {
  const relative = relativeName(requested);
  if (relative === undefined) return { ok: false, reason: 'traversal' };
  if (relative === '') return { ok: false, reason: 'not-a-file' };
  const r = await new RootDirectory(path.resolve(root)).open(relative).catch(() => ({ ok: false, reason: 'not-found' }) as const);
  if (!r.ok) return { ok: false, reason: r.reason === 'outside' ? 'traversal' : r.reason };
  await r.fh.close();
  return { ok: true, file: r.real, size: r.stats.size, mtime: r.stats.mtime };
}
