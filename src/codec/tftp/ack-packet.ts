// ACK packet: RFC 1350 §5. Block 0 acknowledges a WRQ or, with options, an OACK (RFC 2347 §2).
// With RFC 7440 windowing one ACK acknowledges every block up to its number.
//
//   2 bytes   2 bytes
//   |  04  |  Block #  |
import { Opcode, TftpDecodeError } from './tftp-constants.ts';

export interface TftpAck {
  readonly opcode: typeof Opcode.ACK;
  readonly block: number;
}

export function decodeAck(buf: Buffer): TftpAck {
  if (buf.length !== 4) throw new TftpDecodeError('ack-wrong-length', `${buf.length} bytes`);
  return { opcode: Opcode.ACK, block: buf.readUInt16BE(2) };
}

export function encodeAck(block: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt16BE(Opcode.ACK, 0);
  out.writeUInt16BE(block & 0xffff, 2);
  return out;
}
