// Install tokens: 32 random bytes, base64url, handed to one node; only their SHA-256 is ever stored or logged.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function mintToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Durations like 90s, 30m, 3h, 2d (or plain seconds) → milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit * 1000;
}
