// The shape every option codec has, and builders for the RFC 2132 value kinds (address, list, integer, string).
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import type { DhcpRawOption } from './dhcp-types.ts';
import { ipv4Bytes, latin1, latin1Bytes, readIpv4, readU16, readU32, u16Bytes, u32Bytes, concatBytes } from './ipv4-bytes.ts';

/** decode() sees the whole (RFC 3396 concatenated) value and throws DhcpDecodeError; encode() is its inverse. */
export interface OptionCodec<T> {
  code: number;
  decode(data: Uint8Array): T;
  encode(value: T): Uint8Array;
}

export const badLength = (code: number, len: number): DhcpDecodeError => new DhcpDecodeError(`bad-length:${code}`, `${len} bytes`);

export function checkLength(code: number, data: Uint8Array, ok: (n: number) => boolean): void {
  if (!ok(data.length)) throw badLength(code, data.length);
}

/** One IPv4 address (RFC 2132 e.g. §3.3 subnet mask, §9.7 server identifier). */
export const ipv4Option = (code: number): OptionCodec<string> => ({
  code,
  decode: (d) => (checkLength(code, d, (n) => n === 4), readIpv4(d)),
  encode: (v) => ipv4Bytes(v),
});

/** A non-empty list of IPv4 addresses (RFC 2132 e.g. §3.5 routers, §3.8 DNS servers). */
export const ipv4ListOption = (code: number): OptionCodec<string[]> => ({
  code,
  decode: (d) => {
    checkLength(code, d, (n) => n >= 4 && n % 4 === 0);
    return Array.from({ length: d.length / 4 }, (_, i) => readIpv4(d, i * 4));
  },
  encode: (v) => concatBytes(v.map(ipv4Bytes)),
});

export const u32Option = (code: number): OptionCodec<number> => ({
  code,
  decode: (d) => (checkLength(code, d, (n) => n === 4), readU32(d)),
  encode: (v) => u32Bytes(v),
});

export const u16Option = (code: number): OptionCodec<number> => ({
  code,
  decode: (d) => (checkLength(code, d, (n) => n === 2), readU16(d)),
  encode: (v) => u16Bytes(v),
});

export const u8ListOption = (code: number): OptionCodec<number[]> => ({
  code,
  decode: (d) => (checkLength(code, d, (n) => n >= 1), [...d]),
  encode: (v) => Uint8Array.from(v),
});

/**
 * An NVT ASCII string (RFC 2132 §2: "not null terminated", but firmware often adds a NUL; the typed
 * value drops trailing NULs, the raw option keeps them). Bytes are read as latin1 so any value survives.
 */
export const stringOption = (code: number): OptionCodec<string> => ({
  code,
  decode: (d) => {
    let end = d.length;
    while (end > 0 && d[end - 1] === 0) end--;
    return latin1(d.subarray(0, end));
  },
  encode: (v) => latin1Bytes(v),
});

/** Opaque bytes (option 43 raw, 61 client identifier). */
export const bytesOption = (code: number, min = 0): OptionCodec<Uint8Array> => ({
  code,
  decode: (d) => (checkLength(code, d, (n) => n >= min), d.slice()),
  encode: (v) => v.slice(),
});

/** Sub-options inside an encapsulating option (RFC 2132 §8.4 style TLVs, as in 43, 82, 175). */
export function readSubOptions(code: number, d: Uint8Array): DhcpRawOption[] {
  const out: DhcpRawOption[] = [];
  let i = 0;
  while (i < d.length) {
    const sub = d[i] ?? 0;
    if (sub === 255) break;
    if (sub === 0) {
      i++;
      continue;
    }
    const len = d[i + 1];
    if (len === undefined || i + 2 + len > d.length) throw badLength(code, d.length);
    out.push({ code: sub, data: d.slice(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

export function writeSubOptions(subs: readonly DhcpRawOption[], end = false): Uint8Array {
  const parts = subs.map((s) => {
    if (s.data.length > 255) throw new RangeError(`sub-option ${s.code} longer than 255 bytes`);
    return concatBytes([Uint8Array.of(s.code, s.data.length), s.data]);
  });
  return concatBytes(end ? [...parts, Uint8Array.of(255)] : parts);
}

/** Sub-options with `typed` values replacing same-code entries in place (once); new codes are appended. */
export function mergeSubOptions(subs: readonly DhcpRawOption[], typed: readonly DhcpRawOption[]): DhcpRawOption[] {
  const byCode = new Map(typed.map((t) => [t.code, t]));
  const out: DhcpRawOption[] = [];
  const placed = new Set<number>();
  for (const s of subs) {
    const t = byCode.get(s.code);
    if (t === undefined) out.push(s);
    else if (!placed.has(s.code)) {
      out.push(t);
      placed.add(s.code);
    }
  }
  for (const t of typed) if (!placed.has(t.code)) out.push(t);
  return out;
}
