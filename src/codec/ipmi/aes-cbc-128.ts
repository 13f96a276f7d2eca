// AES-CBC-128 payload confidentiality (IPMI v2.0 §13.29): IV, then ciphertext of payload + pad 01 02 .. n + n.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** K2's first 16 bytes are the AES key (§13.29.1). */
export function encryptPayload(k2: Buffer, payload: Uint8Array, iv: Buffer = randomBytes(16)): Buffer {
  const padLen = (16 - ((payload.length + 1) % 16)) % 16;
  const plain = Buffer.alloc(payload.length + padLen + 1);
  plain.set(payload);
  for (let i = 1; i <= padLen; i++) plain[payload.length + i - 1] = i; // §13.29.2: pad bytes 01h, 02h, ...
  plain[plain.length - 1] = padLen;
  const c = createCipheriv('aes-128-cbc', k2.subarray(0, 16), iv).setAutoPadding(false);
  return Buffer.concat([iv, c.update(plain), c.final()]);
}

/** The plaintext payload, or the drop reason. */
export function decryptPayload(k2: Buffer, data: Buffer): Buffer | string {
  if (data.length < 32 || data.length % 16 !== 0) return `encrypted payload of ${data.length} bytes`;
  const d = createDecipheriv('aes-128-cbc', k2.subarray(0, 16), data.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([d.update(data.subarray(16)), d.final()]);
  const padLen = plain[plain.length - 1]!;
  if (padLen > 15) return `confidentiality pad length ${padLen}`;
  const end = plain.length - 1 - padLen;
  for (let i = 0; i < padLen; i++) if (plain[end + i] !== i + 1) return 'bad confidentiality pad';
  return plain.subarray(0, end);
}
