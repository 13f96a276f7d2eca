// The /64 stage0 advertises on a link: configured, or a Unique Local prefix (RFC 4193) derived from the IPv4 subnet.
import { bytesToIpv6, ipv6ToBytes } from './ipv6-text.ts';

/**
 * fd00::/8 + 40-bit Global ID + 16-bit Subnet ID (RFC 4193 §3.1). The Global ID is 0x00 followed by the 32-bit
 * IPv4 network address, the Subnet ID 0: 10.99.0.0/24 -> fd00:a63::/64. RFC 4193 §3.2 asks for a random Global ID;
 * a derived one is deliberate here: stable across restarts and controllers without storing anything, distinct per
 * IPv4 subnet, and never routed beyond the provisioning link (stage0 advertises it only on-link).
 */
export function ulaPrefixForIpv4(address: string, prefixLength: number): string {
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255))
    throw new RangeError(`not an IPv4 address: ${address}`);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) throw new RangeError(`bad IPv4 prefix length ${prefixLength}`);
  const value = octets.reduce((n, o) => n * 256 + o, 0);
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  const network = (value & mask) >>> 0;
  const bytes = new Uint8Array(16);
  bytes[0] = 0xfd;
  bytes[1] = 0x00;
  new DataView(bytes.buffer).setUint32(2, network);
  return bytesToIpv6(bytes);
}

/** Checks a configured prefix is a /64 (SLAAC over Ethernet needs 64-bit interface IDs, RFC 4862 §5.5.3) and canonicalises it. */
export function parseSlaacPrefix(cidr: string): string {
  const [addr, len] = cidr.split('/');
  if (addr === undefined || len !== '64') throw new RangeError(`IPv6 prefix must be written as <address>/64, got ${cidr}`);
  const bytes = ipv6ToBytes(addr);
  if (bytes.subarray(8).some((b) => b !== 0)) throw new RangeError(`${cidr} has bits set beyond /64`);
  return bytesToIpv6(bytes);
}
