// DHCPINFORM (RFC 2131 §4.3.5): the client has an address; answer with configuration and no lease.
import { type DhcpHandler } from '../dhcp-handler.ts';
import { withType } from '../reply-skeleton.ts';
import { withSubnetOptions } from './lease-options.ts';

export function informHandler(): DhcpHandler {
  return {
    name: 'inform',
    async handle(req, res, ctx) {
      if (req.type !== 'INFORM' || !ctx.subnet) return res;
      // No yiaddr and no lease time (§4.3.5); ciaddr stays, the reply is unicast to it.
      return withSubnetOptions(withType(res, 'ACK'), ctx.subnet, undefined, ctx.hostname);
    },
  };
}
