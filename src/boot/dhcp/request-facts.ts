// Facts about a decoded request that handlers need (MAC, arch, classes), read from the codec's packet.
import type { DhcpPacket } from '../../codec/dhcp/dhcp-packet.ts';

/** Lower-case colon MAC from chaddr (htype 1, hlen 6); undefined for other hardware types. */
export function macOf(p: DhcpPacket): string | undefined {
  if (p.htype !== 1 || p.hlen !== 6) return undefined;
  return [...p.chaddr.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

const raw = (p: DhcpPacket, code: number): Uint8Array | undefined => p.rawOptions.find((o) => o.code === code)?.data;
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

/** RFC 4578 §2.1 option 93: the first architecture type. */
export function archOf(p: DhcpPacket): number | undefined {
  if (p.options.clientArch) return p.options.clientArch[0];
  const d = raw(p, 93);
  return d && d.length >= 2 ? (d[0]! << 8) | d[1]! : undefined;
}

/**
 * Option 77, first class. iPXE sends the plain string "iPXE"; RFC 3004 clients send length-prefixed
 * classes, read here when the first length byte spans the option exactly or leaves room for more.
 */
export function userClassOf(p: DhcpPacket): string | undefined {
  if (p.options.userClass) return p.options.userClass.classes[0];
  const d = raw(p, 77);
  if (!d || d.length === 0) return undefined;
  const s = latin1(d);
  if (/^[\x20-\x7e]+$/.test(s)) return s;
  const n = d[0]!;
  return n > 0 && n + 1 <= d.length ? latin1(d.subarray(1, 1 + n)) : undefined;
}

/** iPXE identifies itself by user class "iPXE" or by its option 175 block. */
export function isIpxeRequest(p: DhcpPacket): boolean {
  return userClassOf(p) === 'iPXE' || p.options.ipxe !== undefined || raw(p, 175) !== undefined;
}

/** Option 61 as lower-case hex. */
export function clientIdOf(p: DhcpPacket): string | undefined {
  const d = p.options.clientId ?? raw(p, 61);
  return d ? Buffer.from(d).toString('hex') : undefined;
}

/** Option 82 exactly as the relay sent it, echoed in replies (RFC 3046 §2.2). */
export function relayAgentInfoOf(p: DhcpPacket): Uint8Array | undefined {
  return raw(p, 82);
}
