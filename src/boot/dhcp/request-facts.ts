// Facts about a decoded request that handlers need, from the codec's client-facts helpers plus what they leave out.
import { clientArch, clientId, isIpxe, macOf, type DhcpPacket } from '../../codec/dhcp/index.ts';

/** Lower-case colon MAC from chaddr; undefined unless Ethernet (htype 1, hlen 6): leases are keyed by it. */
export function ethernetMacOf(p: DhcpPacket): string | undefined {
  return p.htype === 1 && p.hlen === 6 ? macOf(p) : undefined;
}

/** RFC 4578 §2.1 option 93: the first architecture type. */
export const archOf = (p: DhcpPacket): number | undefined => clientArch(p);

/** Option 77, first class ("iPXE" for iPXE). */
export const userClassOf = (p: DhcpPacket): string | undefined => p.options.userClass?.classes[0];

/** iPXE identifies itself by user class "iPXE" or by its option 175 block. */
export const isIpxeRequest = (p: DhcpPacket): boolean => isIpxe(p);

/** Option 61 as lower-case colon hex, kept on the lease. */
export const clientIdOf = (p: DhcpPacket): string | undefined => clientId(p);

/** Option 82 exactly as the relay sent it, echoed in replies (RFC 3046 §2.2). */
export function relayAgentInfoOf(p: DhcpPacket): Uint8Array | undefined {
  return p.rawOptions.find((o) => o.code === 82)?.data;
}

/** Option 61 exactly as sent, echoed in replies (RFC 6842 §3). */
export function clientIdRawOf(p: DhcpPacket): Uint8Array | undefined {
  return p.rawOptions.find((o) => o.code === 61)?.data;
}
