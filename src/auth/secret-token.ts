// Bearer secrets (API tokens, session cookies): random, shown once, stored only as their SHA-256.
import { createHash, randomBytes } from 'node:crypto';

/** A new secret with a recognisable prefix (so leaked ones can be found by secret scanners) and its stored hash. */
export function newSecret(prefix: 's0t' | 's0s' | 's0c'): { secret: string; hash: string } {
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashSecret(secret) };
}

/** SHA-256 is enough here: the secret has 256 random bits, so there is nothing to guess (unlike a password). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A short random id for token rows (what `stage0 token ls` shows and `token revoke` takes). */
export function newTokenId(): string {
  return randomBytes(6).toString('hex');
}

/** A one-time password for the first administrator: 24 characters from an unambiguous alphabet (~140 bits). */
export function randomPassword(length = 24): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet size).
  for (const b of bytes) {
    if (b >= 256 - (256 % alphabet.length)) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === length) return out;
  }
  return out + randomPassword(length - out.length);
}
