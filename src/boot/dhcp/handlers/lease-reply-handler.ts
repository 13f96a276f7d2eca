// Turns the lease the address handlers found into an OFFER (for DISCOVER) or ACK (for REQUEST).
import { type DhcpHandler } from '../dhcp-handler.ts';
import { withType } from '../reply-skeleton.ts';
import { withSubnetOptions } from './lease-options.ts';

export function leaseReplyHandler(): DhcpHandler {
  return {
    name: 'lease-reply',
    async handle(req, res, ctx) {
      if (!ctx.lease || !ctx.subnet) return res;
      const typed = withType(res, req.type === 'DISCOVER' ? 'OFFER' : 'ACK');
      // The OFFER announces the lease time the ACK will grant, not how long the offer is held.
      return withSubnetOptions({ ...typed, yiaddr: ctx.lease.ip }, ctx.subnet, ctx.subnet.leaseSeconds, ctx.hostname);
    },
  };
}
