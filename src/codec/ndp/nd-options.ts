// Neighbor Discovery options (RFC 4861 §4.6, RFC 8106 §5.1) an RA carries: encode each, and walk a received list.
import { NdpDecodeError } from './ndp-decode-error.ts';
import { bytesToIpv6, bytesToMac, ipv6ToBytes, macToBytes } from './ipv6-text.ts';

/** Option types (RFC 4861 §4.6, RFC 8106 §5.1). */
export const ND_OPT = { sourceLinkLayerAddress: 1, prefixInformation: 3, mtu: 5, rdnss: 25 } as const;

/** RFC 4861 §4.6.2. Lifetimes in seconds; 0xffffffff means infinity. */
export interface PrefixInformation {
  prefix: string;
  prefixLength: number;
  /** L flag: the prefix is on this link (hosts reach it without a router). */
  onLink: boolean;
  /** A flag: hosts may form addresses from it by SLAAC (RFC 4862). */
  autonomous: boolean;
  validLifetime: number;
  preferredLifetime: number;
}

/** RFC 8106 §5.1 Recursive DNS Server option. */
export interface RecursiveDnsServers {
  lifetime: number;
  servers: string[];
}

/** Option header: type, then length in units of 8 octets including the header (§4.6). */
function option(type: number, body: number): DataView {
  const total = 2 + body;
  if (total % 8 !== 0) throw new RangeError(`option ${type} of ${total} bytes is not a multiple of 8`);
  const view = new DataView(new ArrayBuffer(total));
  view.setUint8(0, type);
  view.setUint8(1, total / 8);
  return view;
}

const bytes = (v: DataView): Uint8Array => new Uint8Array(v.buffer);

/** §4.6.1: type 1, length 1, the 6-byte Ethernet address. */
export function encodeSourceLinkLayerAddress(mac: string): Uint8Array {
  const v = option(ND_OPT.sourceLinkLayerAddress, 6);
  bytes(v).set(macToBytes(mac), 2);
  return bytes(v);
}

/** §4.6.2: type 3, length 4: prefix length, L|A flags, valid, preferred lifetime, 4 reserved, 16-byte prefix. */
export function encodePrefixInformation(p: PrefixInformation): Uint8Array {
  if (!Number.isInteger(p.prefixLength) || p.prefixLength < 0 || p.prefixLength > 128)
    throw new RangeError(`prefix length ${p.prefixLength} is not 0..128`);
  const v = option(ND_OPT.prefixInformation, 30);
  v.setUint8(2, p.prefixLength);
  v.setUint8(3, (p.onLink ? 0x80 : 0) | (p.autonomous ? 0x40 : 0));
  v.setUint32(4, p.validLifetime);
  v.setUint32(8, p.preferredLifetime);
  bytes(v).set(ipv6ToBytes(p.prefix), 16);
  return bytes(v);
}

/** §4.6.4: type 5, length 1, 2 reserved, 32-bit MTU. */
export function encodeMtu(mtu: number): Uint8Array {
  const v = option(ND_OPT.mtu, 6);
  v.setUint32(4, mtu);
  return bytes(v);
}

/** RFC 8106 §5.1: type 25, length 1 + 2n, 2 reserved, lifetime, n 16-byte addresses. */
export function encodeRdnss(r: RecursiveDnsServers): Uint8Array {
  if (r.servers.length === 0) throw new RangeError('RDNSS needs at least one server (RFC 8106 §5.1)');
  const v = option(ND_OPT.rdnss, 6 + 16 * r.servers.length);
  v.setUint32(4, r.lifetime);
  r.servers.forEach((s, i) => bytes(v).set(ipv6ToBytes(s), 8 + 16 * i));
  return bytes(v);
}

/** What an RA's options say; options this codec does not know are skipped (§4.6: receivers ignore them). */
export interface RaOptions {
  sourceLinkLayerAddress?: string;
  prefixes: PrefixInformation[];
  mtu?: number;
  rdnss?: RecursiveDnsServers;
}

/** Walks the options that follow a fixed ND header; throws NdpDecodeError on a malformed list. */
export function decodeRaOptions(buf: Uint8Array): RaOptions {
  const out: RaOptions = { prefixes: [] };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let at = 0; at < buf.length; ) {
    if (at + 2 > buf.length) throw new NdpDecodeError('truncated-option', `at ${at}`);
    const type = buf[at]!;
    const len = buf[at + 1]! * 8;
    // §4.6: "Nodes MUST silently discard an ND packet that contains an option with length zero."
    if (len === 0) throw new NdpDecodeError('zero-length-option', `type ${type} at ${at}`);
    if (at + len > buf.length) throw new NdpDecodeError('truncated-option', `type ${type} at ${at}`);
    const body = buf.subarray(at, at + len);
    const fixed = (want: number, name: string): void => {
      if (len !== want) throw new NdpDecodeError(`bad-length:${name}`, `${len} bytes`);
    };
    if (type === ND_OPT.sourceLinkLayerAddress) {
      fixed(8, 'source-link-layer-address');
      out.sourceLinkLayerAddress = bytesToMac(body.subarray(2, 8));
    } else if (type === ND_OPT.prefixInformation) {
      fixed(32, 'prefix-information');
      const prefixLength = body[2]!;
      if (prefixLength > 128) throw new NdpDecodeError('bad-value:prefix-information', `prefix length ${prefixLength}`);
      out.prefixes.push({
        prefix: bytesToIpv6(body.subarray(16, 32)),
        prefixLength,
        onLink: (body[3]! & 0x80) !== 0,
        autonomous: (body[3]! & 0x40) !== 0,
        validLifetime: view.getUint32(at + 4),
        preferredLifetime: view.getUint32(at + 8),
      });
    } else if (type === ND_OPT.mtu) {
      fixed(8, 'mtu');
      out.mtu = view.getUint32(at + 4);
    } else if (type === ND_OPT.rdnss) {
      if (len < 24 || (len - 8) % 16 !== 0) throw new NdpDecodeError('bad-length:rdnss', `${len} bytes`);
      const servers: string[] = [];
      for (let s = 8; s < len; s += 16) servers.push(bytesToIpv6(body.subarray(s, s + 16)));
      out.rdnss = { lifetime: view.getUint32(at + 4), servers };
    }
    at += len;
  }
  return out;
}
