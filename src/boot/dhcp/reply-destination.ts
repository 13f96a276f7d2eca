// Where a reply goes (RFC 2131 §4.1, PXE 2.1 §2.2.1): relay, unicast to ciaddr, or broadcast on the interface.
import type { DhcpPacket } from '../../codec/dhcp/dhcp-packet.ts';
import type { DhcpPorts } from './dhcp-config.ts';
import type { DhcpRequest } from './dhcp-handler.ts';

export interface ReplyDestination {
  address: string;
  port: number;
  broadcast: boolean;
}

export function replyDestination(req: DhcpRequest, res: DhcpPacket, ports: DhcpPorts): ReplyDestination {
  // Port 4011: answer the port it asked from. iPXE sends this REQUEST before it has applied its address (it
  // cannot answer ARP for ciaddr yet) and sets the broadcast flag for that reason: honour the flag, else unicast.
  if (req.via === 'proxy') {
    const broadcast = (req.packet.flags & 0x8000) !== 0;
    return { address: broadcast ? '255.255.255.255' : req.source.address, port: req.source.port, broadcast };
  }
  // §4.1: giaddr set -> to the relay agent's server port.
  if (req.relay) return { address: req.relay, port: ports.server, broadcast: false };
  // §4.1: a NAK without relay is broadcast; an answer to a client that has an address goes to ciaddr.
  if (res.options.messageType !== 'NAK' && req.packet.ciaddr !== '0.0.0.0') {
    return { address: req.packet.ciaddr, port: ports.client, broadcast: false };
  }
  // The client has no address yet. Unicast to yiaddr would need an ARP entry we cannot set from Node,
  // so broadcast out of the interface the request came in on (allowed whatever the broadcast flag says).
  return { address: '255.255.255.255', port: ports.client, broadcast: true };
}
