// Builds client-side DHCP requests (what firmware sends) for tests, the e2e raw client and the start-up warm-up
// (dhcp-warmup.ts, synthetic clients on a throwaway service); the server never answers with these.
import { encodeDhcp, withOptions, withRawOption, type DhcpMessageType, type DhcpPacket } from '../../codec/dhcp/dhcp-packet.ts';

export interface ClientRequest {
  type: DhcpMessageType;
  mac: string;
  xid?: number;
  ciaddr?: string;
  giaddr?: string;
  flags?: number;
  requestedIp?: string;
  serverId?: string;
  vendorClass?: string;
  /** Option 93. */
  arch?: number;
  /** Option 77 in iPXE's plain form. */
  userClass?: string;
  /** Option 82 bytes, as a relay agent appends them. */
  relayAgentInfo?: Uint8Array;
  /** Adds option 175 with a bus id, as iPXE does. */
  ipxeOptions?: boolean;
}

export function clientPacket(r: ClientRequest): DhcpPacket {
  const chaddr = new Uint8Array(16);
  chaddr.set(r.mac.split(':').map((h) => parseInt(h, 16)));
  let p: DhcpPacket = {
    op: 1, htype: 1, hlen: 6, hops: r.giaddr ? 1 : 0, xid: r.xid ?? 0x12345678, secs: 0, flags: r.flags ?? 0,
    ciaddr: r.ciaddr ?? '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: r.giaddr ?? '0.0.0.0',
    chaddr, sname: '', file: '', options: {}, rawOptions: [],
  };
  p = withOptions(p, {
    messageType: r.type, requestedIp: r.requestedIp, serverId: r.serverId, vendorClass: r.vendorClass,
    clientId: Uint8Array.from([1, ...chaddr.subarray(0, 6)]), parameterRequestList: [1, 3, 6, 15, 43, 60, 66, 67, 175],
  });
  if (r.arch !== undefined) p = withRawOption(p, 93, Uint8Array.of(r.arch >> 8, r.arch & 255));
  if (r.userClass !== undefined) p = withRawOption(p, 77, new Uint8Array(Buffer.from(r.userClass, 'latin1')));
  if (r.ipxeOptions) p = withRawOption(p, 175, Uint8Array.of(177, 5, 1, 0x10, 0xec, 0x81, 0x39));
  if (r.relayAgentInfo) p = withRawOption(p, 82, r.relayAgentInfo);
  return p;
}

export const clientBytes = (r: ClientRequest): Buffer => encodeDhcp(clientPacket(r));
