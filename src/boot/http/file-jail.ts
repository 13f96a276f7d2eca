// Resolves a requested file name inside a root directory, refusing anything that would leave it (.., absolute, symlinks out).
import path from 'node:path';
import { RootDirectory } from '../../lib/open-in-root.ts';
import type { OpenFileCache, SharedFile } from '../../lib/open-file-cache.ts';

export type JailReason = 'traversal' | 'not-found' | 'not-a-file';
export type JailResult = { ok: true; file: string; size: number; mtime: Date } | { ok: false; reason: JailReason };
/** An opened file, shared with other requests: read by offset, release() when done (never close it). */
export type JailOpen = { ok: true; shared: SharedFile; file: string; size: number; mtime: Date } | { ok: false; reason: JailReason };

/**
 * The requested name as a path relative to the root, or the refusal: 'traversal' when it tries to leave by name (..,
 * NUL, "\", "//"), 'not-a-file' for the root itself.
 */
function relativeName(requested: string): { relative: string } | { ok: false; reason: JailReason } {
  if (requested.includes('\0') || requested.includes('\\') || requested.startsWith('//')) return { ok: false, reason: 'traversal' };
  const parts = requested.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return { ok: false, reason: 'traversal' };
  return parts.length === 0 ? { ok: false, reason: 'not-a-file' } : { relative: parts.join('/') };
}

/** The jail's answer for a file that could not be opened under the root: a link out of it is a traversal. */
const refusal = (reason: 'not-found' | 'outside' | 'not-a-file'): { ok: false; reason: JailReason } => ({ ok: false, reason: reason === 'outside' ? 'traversal' : reason });
/** Any failure to open reads as absent, as before: a client learns nothing about the server's files from it. */
const NOT_FOUND = { ok: false, reason: 'not-found' } as const;

/** Opens `requested` under the cache's root; symlinks may point anywhere inside it, not out of it (checked on the descriptor). */
export async function openInJail(files: OpenFileCache, requested: string): Promise<JailOpen> {
  const name = relativeName(requested);
  if (!('relative' in name)) return name;
  const r = await files.open(name.relative).catch(() => NOT_FOUND);
  if (!r.ok) return refusal(r.reason);
  return { ok: true, shared: r.file, file: r.file.real, size: r.file.stats.size, mtime: r.file.stats.mtime };
}

/** Whether `requested` could be served from `root`, without keeping it open (checks at start). */
export async function resolveInJail(root: string, requested: string): Promise<JailResult> {
  const name = relativeName(requested);
  if (!('relative' in name)) return name;
  const r = await new RootDirectory(path.resolve(root)).open(name.relative).catch(() => NOT_FOUND);
  if (!r.ok) return refusal(r.reason);
  await r.fh.close();
  return { ok: true, file: r.real, size: r.stats.size, mtime: r.stats.mtime };
}
