// Any TFTP packet: dispatch on the opcode (RFC 1350 §5, RFC 2347 §2). The decoder is total:
// whatever the bytes, it returns a packet or throws TftpDecodeError, never anything else.
import { decodeAck, encodeAck, type TftpAck } from './ack-packet.ts';
import { decodeData, encodeData, type TftpData } from './data-packet.ts';
import { decodeError, encodeError, type TftpError } from './error-packet.ts';
import { decodeOack, encodeOack, type TftpOack } from './oack-packet.ts';
import { decodeRequest, encodeRequest, type TftpRequest } from './request-packet.ts';
import { Opcode, TftpDecodeError } from './tftp-constants.ts';

export type TftpPacket = TftpRequest | TftpData | TftpAck | TftpError | TftpOack;

export function decodeTftpPacket(buf: Buffer): TftpPacket {
  try {
    if (buf.length < 2) throw new TftpDecodeError('too-short');
    switch (buf.readUInt16BE(0)) {
      case Opcode.RRQ:
      case Opcode.WRQ:
        return decodeRequest(buf);
      case Opcode.DATA:
        return decodeData(buf);
      case Opcode.ACK:
        return decodeAck(buf);
      case Opcode.ERROR:
        return decodeError(buf);
      case Opcode.OACK:
        return decodeOack(buf);
      default:
        throw new TftpDecodeError('unknown-opcode', String(buf.readUInt16BE(0)));
    }
  } catch (err) {
    // Belt and braces for the "total" promise: a bug in a decoder must not escape as a TypeError.
    if (err instanceof TftpDecodeError) throw err;
    throw new TftpDecodeError('decoder-bug', err instanceof Error ? err.message : String(err));
  }
}

export function encodeTftpPacket(p: TftpPacket): Buffer {
  switch (p.opcode) {
    case Opcode.RRQ:
    case Opcode.WRQ:
      return encodeRequest(p);
    case Opcode.DATA:
      return encodeData(p.block, p.data);
    case Opcode.ACK:
      return encodeAck(p.block);
    case Opcode.ERROR:
      return encodeError(p.code, p.message);
    case Opcode.OACK:
      return encodeOack(p.options);
  }
}
