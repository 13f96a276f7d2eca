// DATA packet: RFC 1350 §5. Payload length is the negotiated blksize except for the final block,
// which is shorter (possibly empty, RFC 1350 §6) and ends the transfer.
//
//   2 bytes   2 bytes    n bytes
//   |  03  |  Block #  |  Data  |
import { MAX_BLKSIZE, Opcode, TftpDecodeError } from './tftp-constants.ts';

export interface TftpData {
  readonly opcode: typeof Opcode.DATA;
  /** 16-bit block number on the wire; it rolls over past 65535 on long transfers. */
  readonly block: number;
  readonly data: Buffer;
}

export function decodeData(buf: Buffer): TftpData {
  if (buf.length < 4) throw new TftpDecodeError('data-too-short');
  if (buf.length - 4 > MAX_BLKSIZE) throw new TftpDecodeError('data-too-long');
  return { opcode: Opcode.DATA, block: buf.readUInt16BE(2), data: buf.subarray(4) };
}

export function encodeData(block: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + data.length);
  out.writeUInt16BE(Opcode.DATA, 0);
  out.writeUInt16BE(block & 0xffff, 2);
  data.copy(out, 4);
  return out;
}
