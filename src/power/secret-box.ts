// SecretBox: BMC passwords encrypted at rest with AES-256-GCM; the key lives outside the database (key file or env).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretBox {
  /** "s0enc:v1:" + base64url(iv 12 | tag 16 | ciphertext). A fresh IV each time: equal passwords seal differently. */
  seal(plain: string): string;
  /** Throws when the text was not sealed by this key (tampered, or another key). */
  open(sealed: string): string;
}

const PREFIX = 's0enc:v1:';
/** Bound into every seal so a ciphertext cannot be replayed as another kind of secret later. */
const AAD = Buffer.from('stage0 secret v1');

export const isSealed = (s: unknown): s is string => typeof s === 'string' && s.startsWith(PREFIX);

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error(`secret key must be 32 bytes, got ${key.length}`);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv).setAAD(AAD);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url');
    },
    open(sealed) {
      if (!isSealed(sealed)) throw new Error('not a sealed secret');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
      if (raw.length < 28) throw new Error('sealed secret is truncated');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(AAD).setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
      } catch {
        throw new Error('sealed secret does not open with this key (wrong key or tampered)');
      }
    },
  };
}

/** Key text: 64 hex digits or base64 of 32 bytes. */
function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`${where}: expected 32 bytes (64 hex digits or base64), got ${key.length}`);
  return key;
}

/**
 * The key, in this order: env STAGE0_SECRET_KEY; <dataDir>/secret.key; else a new random key written to
 * <dataDir>/secret.key with mode 0600. A key file readable by group or others is refused.
 */
export function loadSecretKey(opts: { dataDir: string; env?: NodeJS.ProcessEnv }): Buffer {
  const fromEnv = opts.env?.STAGE0_SECRET_KEY;
  if (fromEnv) return parseKey(fromEnv, 'STAGE0_SECRET_KEY');
  const file = join(opts.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600); // the umask may have narrowed it further, never widened: make it exact
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new Error(`${file} is readable by others (mode ${mode.toString(8)}): chmod 600 ${file}`);
  return parseKey(readFileSync(file, 'utf8'), file);
}
