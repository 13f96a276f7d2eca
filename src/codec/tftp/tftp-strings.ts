// NUL-terminated string fields shared by RRQ/WRQ, ERROR and OACK (RFC 1350 §5, RFC 2347 §2).
import { TftpDecodeError } from './tftp-constants.ts';

/**
 * Reads the NUL-terminated strings from `buf[start..]` until the end of the packet.
 * Every string must be terminated; text is decoded as UTF-8 (RFC 1350 says netascii, but
 * real clients send UTF-8 file names and ASCII is a subset).
 */
export function readCStrings(buf: Buffer, start: number): string[] {
  const out: string[] = [];
  let pos = start;
  while (pos < buf.length) {
    const end = buf.indexOf(0, pos);
    if (end < 0) throw new TftpDecodeError('unterminated-string', `at offset ${pos}`);
    out.push(buf.toString('utf8', pos, end));
    pos = end + 1;
  }
  return out;
}

/** Encodes strings as consecutive NUL-terminated UTF-8 fields; refuses embedded NULs. */
export function cStrings(values: readonly string[]): Buffer[] {
  return values.map((v) => {
    if (v.includes('\0')) throw new RangeError('TFTP string field must not contain NUL');
    return Buffer.from(`${v}\0`, 'utf8');
  });
}

/** Two-byte opcode header. */
export function opcodeHeader(opcode: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(opcode, 0);
  return b;
}
