// Turns a TFTP file name into a path relative to the served root, or says why it is refused.
// The realpath check against symlinks happens in the directory source; this part is pure.

export type JailedPath = { ok: true; relative: string } | { ok: false; reason: string };

/**
 * Backslashes are read as separators (Windows boot loaders ask for `boot\x64\wdsnbp.com`), so
 * `..\..\x` is caught by the same `..` rule as `../../x`. Absolute names are refused rather
 * than re-rooted: a client asking for `/etc/passwd` is probing, not booting.
 */
export function jailPath(name: string): JailedPath {
  if (name.includes('\0')) return { ok: false, reason: 'NUL byte in path' };
  const slashed = name.replaceAll('\\', '/');
  if (slashed.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[A-Za-z]:/.test(slashed)) return { ok: false, reason: 'drive-letter path' };
  const segments = slashed.split('/');
  if (segments.some((s) => s === '..')) return { ok: false, reason: '".." segment' };
  const kept = segments.filter((s) => s !== '' && s !== '.');
  if (kept.length === 0) return { ok: false, reason: 'empty path' };
  return { ok: true, relative: kept.join('/') };
}
