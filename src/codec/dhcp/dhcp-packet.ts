// DHCPv4 codec entry points: bytes <-> DhcpPacket (RFC 2131 §2-§4.1, RFC 2132, RFC 3396). Pure, no I/O.
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import { copyBytes } from './fresh-bytes.ts';
import { FILE_LENGTH, FILE_OFFSET, OPTIONS_OFFSET, readCString, readHeader, SNAME_LENGTH, SNAME_OFFSET, writeHeader } from './dhcp-header.ts';
import { applyOptionChanges, changedCodes, decodeOptions, redecodeOptions, setRawOption, type OptionChanges } from './dhcp-options.ts';
import type { DhcpPacket } from './dhcp-types.ts';
import { layoutOptions, readOptionAreas } from './option-wire.ts';

export type * from './dhcp-types.ts';
export { DhcpDecodeError, DhcpEncodeError } from './dhcp-decode-error.ts';
export type { OptionChanges } from './dhcp-options.ts';

/** RFC 2131 §2: every client accepts a 576-octet IP datagram; option 57 counts the same way (IP + UDP + DHCP). */
export const DEFAULT_MAX_MESSAGE_SIZE = 576;
/** IPv4 (20) + UDP (8) headers, subtracted from option 57 to get the room for the DHCP message itself. */
const IP_UDP_HEADERS = 28;
/** RFC 1542 §3.3 / RFC 951: BOOTP messages are at least 300 octets; short ones get zero padding. */
export const MIN_MESSAGE_LENGTH = 300;

/**
 * Decodes one DHCP message. Throws DhcpDecodeError (with `reason`) for anything malformed and
 * never any other error: the input is whatever arrived on UDP port 67/68.
 */
export function decodeDhcp(input: Uint8Array): DhcpPacket {
  // A private plain copy: the packet must not change when a listener reuses its receive Buffer.
  const buf = copyBytes(input);
  const header = readHeader(buf);
  const fileArea = buf.subarray(FILE_OFFSET, FILE_OFFSET + FILE_LENGTH);
  const snameArea = buf.subarray(SNAME_OFFSET, SNAME_OFFSET + SNAME_LENGTH);
  const { raw, overload } = readOptionAreas(buf.subarray(OPTIONS_OFFSET), fileArea, snameArea);
  const options = decodeOptions(raw);
  if (options.messageType === undefined) throw new DhcpDecodeError('missing-message-type');
  // Object.assign, not `{ ...header, sname, … }`: on Node 20 a spread followed by new keys costs ~7 µs here against
  // 0.2 µs (docs/architecture.md).
  return Object.assign(header, {
    sname: overload & 2 ? '' : readCString(snameArea),
    file: overload & 1 ? '' : readCString(fileArea),
    options,
    rawOptions: raw,
  });
}

export interface EncodeLimits {
  /** The receiver's option 57 (IP datagram size); default 576. Options spill into file/sname, then fail. */
  maxMessageSize?: number;
}

/**
 * Encodes `p.rawOptions` (not `p.options`: keep them in step with withOptions) after the header.
 * Throws DhcpEncodeError('too-big') when the options cannot fit even with overload.
 */
export function encodeDhcp(p: DhcpPacket, limits: EncodeLimits = {}): Buffer {
  const max = Math.max(limits.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE) - IP_UDP_HEADERS;
  const areas = layoutOptions(p.rawOptions, max - OPTIONS_OFFSET, { file: p.file === '', sname: p.sname === '' });
  // From Buffer's pool, zeroed: Buffer.alloc gives each reply an off-heap buffer of its own (~1.5 µs, session 12).
  const out = Buffer.allocUnsafe(Math.max(OPTIONS_OFFSET + areas.options.length, MIN_MESSAGE_LENGTH)).fill(0);
  writeHeader(out, p);
  if (areas.file) out.set(areas.file, FILE_OFFSET);
  if (areas.sname) out.set(areas.sname, SNAME_OFFSET);
  out.set(areas.options, OPTIONS_OFFSET);
  return out;
}

/**
 * A copy of `p` with typed option changes applied to rawOptions, and `options` re-derived for the codes changed: `p.options`
 * must be the decode of `p.rawOptions`, as in every packet decodeDhcp, buildReply and these two functions make.
 */
export function withOptions(p: DhcpPacket, changes: OptionChanges): DhcpPacket {
  const rawOptions = applyOptionChanges(p.rawOptions, changes);
  return Object.assign({}, p, { rawOptions, options: redecodeOptions(p.options, rawOptions, changedCodes(changes)) });
}

/** A copy of `p` with one raw option set (or removed with undefined), e.g. an option the registry does not type. */
export function withRawOption(p: DhcpPacket, code: number, data: Uint8Array | undefined): DhcpPacket {
  const rawOptions = setRawOption(p.rawOptions, code, data);
  return Object.assign({}, p, { rawOptions, options: redecodeOptions(p.options, rawOptions, [code]) });
}
