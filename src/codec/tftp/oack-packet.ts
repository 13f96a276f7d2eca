// OACK packet: RFC 2347 §2. The server lists only the options it accepted, with the values it chose.
//
//   2 bytes   string  1 byte  string  1 byte
//   |  06  |  opt1  |   0  | value1 |   0  | ...
import { Opcode, TftpDecodeError } from './tftp-constants.ts';
import { decodeOptionPairs, encodeOptionPairs } from './request-packet.ts';
import { opcodeHeader, readCStrings } from './tftp-strings.ts';

export interface TftpOack {
  readonly opcode: typeof Opcode.OACK;
  readonly options: ReadonlyMap<string, string>;
}

export function decodeOack(buf: Buffer): TftpOack {
  const options = decodeOptionPairs(readCStrings(buf, 2));
  // An OACK with nothing in it is meaningless: a server that accepts no option sends DATA/ACK.
  if (options.size === 0) throw new TftpDecodeError('empty-oack');
  return { opcode: Opcode.OACK, options };
}

export function encodeOack(options: ReadonlyMap<string, string>): Buffer {
  return Buffer.concat([opcodeHeader(Opcode.OACK), ...encodeOptionPairs(options)]);
}
