// The reply a chain starts from (RFC 2131 §4.3.1 table 3): header fields copied from the request, no options yet.
import type { DhcpMessageType, DhcpPacket } from '../../codec/dhcp/dhcp-packet.ts';
import { withOptions, withRawOption } from '../../codec/dhcp/dhcp-packet.ts';
import { clientIdRawOf } from './request-facts.ts';

/**
 * BOOTREPLY with xid, flags, giaddr, chaddr and ciaddr of the request, our server id (option 54) and
 * the client identifier echoed (RFC 6842 §3). The relay handler echoes option 82.
 */
export function replySkeleton(req: DhcpPacket, serverAddress: string): DhcpPacket {
  const base: DhcpPacket = {
    op: 2,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: req.ciaddr,
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: req.giaddr,
    chaddr: req.chaddr.slice(),
    sname: '',
    file: '',
    options: {},
    rawOptions: [],
  };
  const withId = withOptions(base, { serverId: serverAddress });
  const cid = clientIdRawOf(req);
  return cid ? withRawOption(withId, 61, cid) : withId;
}

/** Sets the message type (option 53). OFFER carries ciaddr 0 (table 3). */
export function withType(res: DhcpPacket, type: DhcpMessageType): DhcpPacket {
  return withOptions({ ...res, ciaddr: type === 'OFFER' || type === 'NAK' ? '0.0.0.0' : res.ciaddr }, { messageType: type });
}

/** A NAK: no address, no boot info, only a message (RFC 2131 §4.3.2, table 3). */
export function nak(res: DhcpPacket, message: string): DhcpPacket {
  return withOptions({ ...withType(res, 'NAK'), yiaddr: '0.0.0.0', siaddr: '0.0.0.0', file: '', sname: '' }, { message });
}
