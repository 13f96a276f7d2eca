// IPv6 Router Advertisement (RFC 4861 §4.2) <-> bytes of the ICMPv6 message (the kernel adds the IP header).
import { NdpDecodeError } from './ndp-decode-error.ts';
import {
  decodeRaOptions,
  encodeMtu,
  encodePrefixInformation,
  encodeRdnss,
  encodeSourceLinkLayerAddress,
  type PrefixInformation,
  type RecursiveDnsServers,
} from './nd-options.ts';

export const ICMP6_ROUTER_ADVERTISEMENT = 134;
const HEADER = 16;

export interface RouterAdvertisement {
  /** Hop limit hosts should use; 0 = unspecified. */
  curHopLimit: number;
  /** M flag: addresses come from DHCPv6. */
  managed: boolean;
  /** O flag: other configuration (DNS...) comes from DHCPv6. */
  otherConfig: boolean;
  /** Seconds this router may be a default router; 0 = not a default router (§4.2, §6.2.1: at most 9000). */
  routerLifetime: number;
  /** Milliseconds; 0 = unspecified. */
  reachableTime: number;
  /** Milliseconds; 0 = unspecified. */
  retransTimer: number;
  sourceLinkLayerAddress?: string;
  prefixes: PrefixInformation[];
  mtu?: number;
  rdnss?: RecursiveDnsServers;
}

/**
 * §4.2 layout: type 134, code 0, checksum (left 0: a raw ICMPv6 socket fills it, RFC 3542 §3.1), cur hop limit,
 * M|O flags, router lifetime (16 bits), reachable time (32), retrans timer (32), then options in the order
 * source link-layer address, MTU, prefixes, RDNSS.
 */
export function encodeRouterAdvertisement(ra: RouterAdvertisement): Uint8Array {
  if (ra.routerLifetime < 0 || ra.routerLifetime > 0xffff) throw new RangeError(`router lifetime ${ra.routerLifetime} is not 16 bits`);
  const head = new DataView(new ArrayBuffer(HEADER));
  head.setUint8(0, ICMP6_ROUTER_ADVERTISEMENT);
  head.setUint8(4, ra.curHopLimit);
  head.setUint8(5, (ra.managed ? 0x80 : 0) | (ra.otherConfig ? 0x40 : 0));
  head.setUint16(6, ra.routerLifetime);
  head.setUint32(8, ra.reachableTime);
  head.setUint32(12, ra.retransTimer);
  const parts: Uint8Array[] = [new Uint8Array(head.buffer)];
  if (ra.sourceLinkLayerAddress !== undefined) parts.push(encodeSourceLinkLayerAddress(ra.sourceLinkLayerAddress));
  if (ra.mtu !== undefined) parts.push(encodeMtu(ra.mtu));
  for (const p of ra.prefixes) parts.push(encodePrefixInformation(p));
  if (ra.rdnss !== undefined) parts.push(encodeRdnss(ra.rdnss));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** Decodes an ICMPv6 RA; checks §6.1.2's in-message rules (type, code 0, 16+ octets, well-formed options). */
export function decodeRouterAdvertisement(buf: Uint8Array): RouterAdvertisement {
  if (buf.length < HEADER) throw new NdpDecodeError('short-message', `${buf.length} bytes`);
  if (buf[0] !== ICMP6_ROUTER_ADVERTISEMENT) throw new NdpDecodeError(`bad-type:${buf[0]}`);
  if (buf[1] !== 0) throw new NdpDecodeError(`bad-code:${buf[1]}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const options = decodeRaOptions(buf.subarray(HEADER));
  const ra: RouterAdvertisement = {
    curHopLimit: buf[4]!,
    managed: (buf[5]! & 0x80) !== 0,
    otherConfig: (buf[5]! & 0x40) !== 0,
    routerLifetime: view.getUint16(6),
    reachableTime: view.getUint32(8),
    retransTimer: view.getUint32(12),
    prefixes: options.prefixes,
  };
  if (options.sourceLinkLayerAddress !== undefined) ra.sourceLinkLayerAddress = options.sourceLinkLayerAddress;
  if (options.mtu !== undefined) ra.mtu = options.mtu;
  if (options.rdnss !== undefined) ra.rdnss = options.rdnss;
  return ra;
}
