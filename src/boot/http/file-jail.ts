// Resolves a requested file name inside a root directory, refusing anything that would leave it (.., absolute, symlinks out).
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type JailResult = { ok: true; file: string; size: number; mtime: Date } | { ok: false; reason: 'traversal' | 'not-found' | 'not-a-file' };

export async function resolveInJail(root: string, requested: string): Promise<JailResult> {
  if (requested.includes('\0') || requested.includes('\\')) return { ok: false, reason: 'traversal' };
  const parts = requested.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..') || path.isAbsolute(requested.replace(/^\/+/, '/')) && requested.startsWith('//')) return { ok: false, reason: 'traversal' };
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(path.join(realRoot, ...parts));
  } catch {
    return { ok: false, reason: 'not-found' };
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return { ok: false, reason: 'traversal' };
  const st = await stat(real);
  if (!st.isFile()) return { ok: false, reason: 'not-a-file' };
  return { ok: true, file: real, size: st.size, mtime: st.mtime };
}
