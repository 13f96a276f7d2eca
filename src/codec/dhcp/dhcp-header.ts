// RFC 2131 §2 fixed BOOTP/DHCP header (236 bytes) and the §3 magic cookie that follows it.
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import { ipv4Bytes, latin1, latin1Bytes, readIpv4, readU16, readU32 } from './ipv4-bytes.ts';

export const HEADER_LENGTH = 236;
/** RFC 2131 §3: the first four octets of the options field, 99.130.83.99. */
export const MAGIC_COOKIE = Uint8Array.of(99, 130, 83, 99);
export const SNAME_OFFSET = 44;
export const SNAME_LENGTH = 64;
export const FILE_OFFSET = 108;
export const FILE_LENGTH = 128;
export const OPTIONS_OFFSET = HEADER_LENGTH + 4;
/** RFC 2131 §2 flags: the leftmost bit asks the server to broadcast its reply. */
export const BROADCAST_FLAG = 0x8000;

export interface DhcpHeader {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  chaddr: Uint8Array;
}

/** Reads the fixed fields and checks the cookie; sname/file are left to the caller (they may hold options). */
export function readHeader(b: Uint8Array): DhcpHeader {
  if (b.length < OPTIONS_OFFSET) throw new DhcpDecodeError('short-header', `${b.length} bytes`);
  for (let i = 0; i < 4; i++) if (b[HEADER_LENGTH + i] !== MAGIC_COOKIE[i]) throw new DhcpDecodeError('bad-cookie');
  const op = b[0] ?? 0;
  if (op !== 1 && op !== 2) throw new DhcpDecodeError('bad-op', String(op));
  const hlen = b[2] ?? 0;
  if (hlen > 16) throw new DhcpDecodeError('bad-hlen', String(hlen));
  return {
    op,
    htype: b[1] ?? 0,
    hlen,
    hops: b[3] ?? 0,
    xid: readU32(b, 4),
    secs: readU16(b, 8),
    flags: readU16(b, 10),
    ciaddr: readIpv4(b, 12),
    yiaddr: readIpv4(b, 16),
    siaddr: readIpv4(b, 20),
    giaddr: readIpv4(b, 24),
    chaddr: b.slice(28, 44),
  };
}

/** A NUL-terminated string field (sname, file). */
export function readCString(b: Uint8Array): string {
  if (b[0] === 0) return ''; // the usual sname/file of a request: no view, no Buffer, no decoding
  const end = b.indexOf(0);
  return latin1(end < 0 ? b : b.subarray(0, end));
}

/** Writes the fixed header into out[0..236) and the cookie after it; sname/file as strings unless `areas` overrides them. */
export function writeHeader(out: Uint8Array, h: DhcpHeader & { sname: string; file: string }): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  v.setUint8(0, h.op);
  v.setUint8(1, h.htype);
  v.setUint8(2, h.hlen);
  v.setUint8(3, h.hops);
  v.setUint32(4, h.xid >>> 0);
  v.setUint16(8, h.secs);
  v.setUint16(10, h.flags);
  out.set(ipv4Bytes(h.ciaddr), 12);
  out.set(ipv4Bytes(h.yiaddr), 16);
  out.set(ipv4Bytes(h.siaddr), 20);
  out.set(ipv4Bytes(h.giaddr), 24);
  out.set(h.chaddr.subarray(0, 16), 28);
  out.set(fixedString(h.sname, SNAME_LENGTH, 'sname'), SNAME_OFFSET);
  out.set(fixedString(h.file, FILE_LENGTH, 'file'), FILE_OFFSET);
  out.set(MAGIC_COOKIE, HEADER_LENGTH);
}

function fixedString(s: string, size: number, field: string): Uint8Array {
  const bytes = latin1Bytes(s);
  // A full field without NUL is what some senders put there, and decoding reads it that way, so it may go back.
  if (bytes.length > size) throw new RangeError(`${field} longer than ${size} bytes`);
  return bytes;
}
