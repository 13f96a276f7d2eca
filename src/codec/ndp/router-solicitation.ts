// IPv6 Router Solicitation (RFC 4861 §4.1): decoded only to validate what the advertiser answers (§6.1.1).
import { NdpDecodeError } from './ndp-decode-error.ts';
import { decodeRaOptions } from './nd-options.ts';

export const ICMP6_ROUTER_SOLICITATION = 133;

export interface RouterSolicitation {
  sourceLinkLayerAddress?: string;
}

/**
 * §4.1: type 133, code 0, checksum, 4 reserved, options. §6.1.1: 8+ octets, well-formed options, and no source
 * link-layer address option when the IP source is the unspecified address (the hop limit 255 check is the socket's).
 */
export function decodeRouterSolicitation(buf: Uint8Array, ipSource: string): RouterSolicitation {
  if (buf.length < 8) throw new NdpDecodeError('short-message', `${buf.length} bytes`);
  if (buf[0] !== ICMP6_ROUTER_SOLICITATION) throw new NdpDecodeError(`bad-type:${buf[0]}`);
  if (buf[1] !== 0) throw new NdpDecodeError(`bad-code:${buf[1]}`);
  const { sourceLinkLayerAddress } = decodeRaOptions(buf.subarray(8));
  if (sourceLinkLayerAddress === undefined) return {};
  if (ipSource === '::') throw new NdpDecodeError('bad-value:source-link-layer-address', 'sent from ::');
  return { sourceLinkLayerAddress };
}
