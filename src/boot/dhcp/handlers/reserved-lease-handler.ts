// Known nodes with a reserved address (inventory attribute `ip`) get exactly that address, whatever they ask.
import { isConflict } from '../../../domain/errors.ts';
import { done, drop, type DhcpHandler } from '../dhcp-handler.ts';
import { cidrContains } from '../ipv4.ts';
import type { LeaseStore } from '../lease-store.ts';
import { nak } from '../reply-skeleton.ts';
import { requestTarget } from './request-target.ts';

export interface LeaseTiming {
  /** How long an OFFER holds the address. */
  offerSeconds: number;
}

/** Reserved addresses outside the request's subnet are left to the pool handler (node on another network). */
export function reservedLeaseHandler(store: LeaseStore, timing: LeaseTiming): DhcpHandler {
  return {
    name: 'reserved-lease',
    async handle(req, res, ctx) {
      const { subnet, reservedIp: ip } = ctx;
      if (!subnet || ip === undefined || !cidrContains(subnet.net, ip)) return res;
      if (req.type !== 'DISCOVER' && req.type !== 'REQUEST') return res;
      const base = { ip, mac: req.mac, clientId: req.clientId, subnet: subnet.cidr, node: ctx.node, hostname: ctx.hostname };
      try {
        if (req.type === 'DISCOVER') {
          ctx.lease = await store.offer(Object.assign({}, base, { expiresAt: ctx.now + timing.offerSeconds * 1000 }), ctx.now);
          return res;
        }
        const t = requestTarget(req);
        if (t.otherServer) return done('chose-other-server');
        if (t.ip !== ip) {
          ctx.nakReason = `node ${ctx.node} is reserved ${ip}, asked for ${t.ip ?? 'nothing'}`;
          return { stop: 'send', res: nak(res, 'address not reserved for this client') };
        }
        // ACK only once the store has committed the binding.
        ctx.lease = await store.bind(Object.assign({}, base, { expiresAt: ctx.now + subnet.leaseSeconds * 1000 }), ctx.now);
        return res;
      } catch (e) {
        if (!isConflict(e)) throw e;
        if (req.type === 'DISCOVER') return drop('reserved-address-held');
        ctx.nakReason = `reserved address ${ip} is held by another client`;
        return { stop: 'send', res: nak(res, 'address in use') };
      }
    },
  };
}
