// RRQ / WRQ packets: RFC 1350 §5 (filename, mode) with the RFC 2347 §2 option extension.
//
//   2 bytes     string    1 byte  string  1 byte  string  1 byte  string  1 byte
//   | 01/02 | Filename |   0  |  Mode  |   0  |  opt1  |   0  | value1 |   0  | ...
import { Opcode, TftpDecodeError } from './tftp-constants.ts';
import { cStrings, opcodeHeader, readCStrings } from './tftp-strings.ts';

/**
 * Transfer mode (RFC 1350 §5), case-insensitive on the wire. `mail` is obsolete and decoded only
 * so the service can refuse it by name. stage0 serves binary boot files, so netascii is served
 * byte-for-byte like octet (no CR/LF translation): boot ROMs always ask for octet, and
 * translating an NBP would corrupt it.
 */
export type TftpMode = 'netascii' | 'octet' | 'mail';

export interface TftpRequest {
  readonly opcode: typeof Opcode.RRQ | typeof Opcode.WRQ;
  readonly filename: string;
  readonly mode: TftpMode;
  /** RFC 2347 options in wire order; names lower-cased (they are case-insensitive), values raw. */
  readonly options: ReadonlyMap<string, string>;
}

const MODES: ReadonlySet<string> = new Set(['netascii', 'octet', 'mail']);

export function decodeRequest(buf: Buffer): TftpRequest {
  const opcode = buf.readUInt16BE(0);
  if (opcode !== Opcode.RRQ && opcode !== Opcode.WRQ) throw new TftpDecodeError('not-a-request');
  const fields = readCStrings(buf, 2);
  const [filename, rawMode] = fields;
  if (filename === undefined || rawMode === undefined) throw new TftpDecodeError('request-too-short');
  if (filename === '') throw new TftpDecodeError('empty-filename');
  const mode = rawMode.toLowerCase();
  if (!MODES.has(mode)) throw new TftpDecodeError('unknown-mode', rawMode.slice(0, 32));
  return { opcode, filename, mode: mode as TftpMode, options: decodeOptionPairs(fields.slice(2)) };
}

/** RFC 2347 §2 name/value pairs; shared with OACK. Trailing empty strings are tolerated as padding. */
export function decodeOptionPairs(fields: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i] as string;
    if (name === '' && fields.slice(i).every((f) => f === '')) break;
    const value = fields[i + 1];
    if (value === undefined) throw new TftpDecodeError('option-without-value', name.slice(0, 32));
    if (name === '') throw new TftpDecodeError('empty-option-name');
    const key = name.toLowerCase();
    if (options.has(key)) throw new TftpDecodeError('duplicate-option', key.slice(0, 32));
    options.set(key, value);
  }
  return options;
}

export function encodeOptionPairs(options: ReadonlyMap<string, string>): Buffer[] {
  return cStrings([...options].flat());
}

export function encodeRequest(req: TftpRequest): Buffer {
  return Buffer.concat([opcodeHeader(req.opcode), ...cStrings([req.filename, req.mode]), ...encodeOptionPairs(req.options)]);
}
