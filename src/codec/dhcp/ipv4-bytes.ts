// Dotted-quad <-> 4 bytes, and small big-endian readers shared by the option codecs.

/** Reads 4 bytes at `at` as a dotted quad. The caller checks the length. */
export function readIpv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/**
 * Parses a dotted quad (four groups of 1-3 digits, each at most 255); throws RangeError on anything else (encoder
 * input is trusted code, not the wire). By character codes, no regex or arrays: a reply encodes ~10 addresses, and
 * the regex version was 4 % of a DORA's CPU (bench/RESULTS.md, session 8).
 */
export function ipv4Bytes(ip: string): Uint8Array {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46; // a '.' after the end closes the last group
    if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && value <= 255 && part < 4) {
      out[part++] = value;
      value = 0;
      digits = 0;
    } else {
      part = -1;
      break;
    }
  }
  if (part !== 4) throw new RangeError(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return out;
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
