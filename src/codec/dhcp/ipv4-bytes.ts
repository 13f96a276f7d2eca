// Dotted-quad <-> 4 bytes, and small big-endian readers shared by the option codecs.

/** Reads 4 bytes at `at` as a dotted quad. The caller checks the length. */
export function readIpv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted quad; throws RangeError on anything else (encoder input is trusted code, not the wire). */
export function ipv4Bytes(ip: string): Uint8Array {
  const m = quad.exec(ip);
  const parts = m?.slice(1).map(Number);
  if (parts === undefined || parts.some((n) => n > 255)) throw new RangeError(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return Uint8Array.from(parts);
}

export function readU16(b: Uint8Array, at = 0): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

export function readU32(b: Uint8Array, at = 0): number {
  return (((b[at] ?? 0) << 24) >>> 0) + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));
}

export function u16Bytes(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`not a u16: ${n}`);
  return Uint8Array.of(n >> 8, n & 0xff);
}

export function u32Bytes(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`not a u32: ${n}`);
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
export const latin1Bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
