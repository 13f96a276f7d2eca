// ERROR packet: RFC 1350 §5 (codes 0-7, Appendix) and RFC 2347 §2 (code 8, option negotiation refused).
//
//   2 bytes   2 bytes      string    1 byte
//   |  05  |  ErrorCode |   ErrMsg   |   0  |
import { Opcode, TftpDecodeError } from './tftp-constants.ts';

export interface TftpError {
  readonly opcode: typeof Opcode.ERROR;
  /** 0-8 are defined; other values are kept as sent so a peer's odd code still aborts cleanly. */
  readonly code: number;
  readonly message: string;
}

/**
 * The message's terminating NUL is optional here: some firmware omits it, and an ERROR from a
 * client must always be understood as "stop" rather than dropped as malformed.
 */
export function decodeError(buf: Buffer): TftpError {
  if (buf.length < 4) throw new TftpDecodeError('error-too-short');
  const nul = buf.indexOf(0, 4);
  if (nul >= 0 && nul !== buf.length - 1) throw new TftpDecodeError('error-trailing-bytes');
  const end = nul < 0 ? buf.length : nul;
  return { opcode: Opcode.ERROR, code: buf.readUInt16BE(2), message: buf.toString('utf8', 4, end) };
}

export function encodeError(code: number, message: string): Buffer {
  const text = Buffer.from(message.replaceAll('\0', ' '), 'utf8');
  const out = Buffer.alloc(5 + text.length);
  out.writeUInt16BE(Opcode.ERROR, 0);
  out.writeUInt16BE(code & 0xffff, 2);
  text.copy(out, 4);
  return out;
}
