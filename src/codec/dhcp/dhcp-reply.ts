// Server replies (OFFER, ACK, NAK) built from a request as RFC 2131 §4.3.1 table 3 says, and where to send them (§4.1).
import { applyOptionChanges, decodeOptions, setRawOption, type OptionChanges } from './dhcp-options.ts';
import type { EncodeLimits } from './dhcp-packet.ts';
import type { DhcpMessageType, DhcpPacket, DhcpRawOption } from './dhcp-types.ts';

export interface ReplySpec {
  type: Extract<DhcpMessageType, 'OFFER' | 'ACK' | 'NAK'>;
  serverId: string; // option 54, MUST in every reply
  yiaddr?: string; // the address offered/assigned; ignored for NAK and for an ACK to INFORM
  siaddr?: string; // next server (TFTP) address
  sname?: string;
  file?: string; // boot file in the header (BOOTP clients, PXE ROMs read it)
  /** Typed options to add: lease time, mask, routers, bootfileName... (53/54/61/82 are set here). */
  options?: OptionChanges;
  /** Options the registry does not type, appended as given. */
  rawOptions?: DhcpRawOption[];
}

const ZERO = '0.0.0.0';
/** Table 3 "MUST NOT" in every reply: requested IP, parameter list, max message size (and 82/61 come from the request). */
const FORBIDDEN: (keyof OptionChanges)[] = ['requestedIp', 'parameterRequestList', 'maxMessageSize', 'messageType', 'serverId', 'clientId', 'relayAgentInfo'];

/**
 * A reply to `req`: xid, flags, giaddr, htype/hlen/chaddr copied; ciaddr copied for ACK (0 otherwise);
 * option 61 echoed (RFC 6842 §3) and option 82 echoed byte for byte, last (RFC 3046 §2.2).
 * A NAK carries no address, lease time or boot parameters (table 3), only `options.message`.
 */
export function buildReply(req: DhcpPacket, spec: ReplySpec): DhcpPacket {
  const extra = spec.options ?? {};
  for (const f of FORBIDDEN) if (f in extra) throw new RangeError(`buildReply: option field ${f} is set by buildReply or forbidden in replies`);
  const nak = spec.type === 'NAK';
  const inform = req.options.messageType === 'INFORM';
  if (nak && Object.keys(extra).some((k) => k !== 'message')) throw new RangeError('buildReply: a NAK carries only option 56 (message)');
  if (inform && extra.leaseTime !== undefined) throw new RangeError('buildReply: no lease time in an ACK to INFORM (RFC 2131 table 3)');

  let raw = applyOptionChanges([], { messageType: spec.type, serverId: spec.serverId, ...extra });
  for (const r of spec.rawOptions ?? []) raw = setRawOption(raw, r.code, r.data);
  for (const code of [61, 82]) {
    const echoed = req.rawOptions.find((o) => o.code === code);
    if (echoed) raw = [...raw.filter((o) => o.code !== code), echoed];
  }
  return {
    op: 2,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: spec.type === 'ACK' ? req.ciaddr : ZERO,
    yiaddr: nak || inform ? ZERO : (spec.yiaddr ?? ZERO),
    siaddr: nak ? ZERO : (spec.siaddr ?? ZERO),
    giaddr: req.giaddr,
    chaddr: req.chaddr.slice(),
    sname: nak ? '' : (spec.sname ?? ''),
    file: nak ? '' : (spec.file ?? ''),
    options: decodeOptions(raw),
    rawOptions: raw,
  };
}

/** Encode limits for a reply to `req`: the client's option 57, else the 576 default (RFC 2132 §9.10). */
export const replyLimits = (req: DhcpPacket): EncodeLimits =>
  req.options.maxMessageSize === undefined ? {} : { maxMessageSize: req.options.maxMessageSize };

export interface ReplyDestination {
  address: string;
  port: number;
  broadcast: boolean;
}

/**
 * RFC 2131 §4.1 (after figure 2): relay (giaddr) first, on port 67; then a configured client's ciaddr;
 * NAKs and broadcast-flag clients get 255.255.255.255; otherwise unicast to yiaddr (which needs an ARP
 * entry for chaddr; listeners that cannot add one may broadcast instead, which clients accept).
 */
export function replyDestination(req: DhcpPacket, reply: DhcpPacket): ReplyDestination {
  if (req.giaddr !== ZERO) return { address: req.giaddr, port: 67, broadcast: false };
  const nak = reply.options.messageType === 'NAK';
  if (!nak && req.ciaddr !== ZERO) return { address: req.ciaddr, port: 68, broadcast: false };
  if (nak || (req.flags & 0x8000) !== 0 || reply.yiaddr === ZERO) return { address: '255.255.255.255', port: 68, broadcast: true };
  return { address: reply.yiaddr, port: 68, broadcast: false };
}
