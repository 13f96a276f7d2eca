// DECLINE (RFC 2131 §4.3.3: the address is in use, keep it out of the pool for a while) and RELEASE (§4.3.4).
import type { EventSink } from '../../../domain/events/event-sink.ts';
import { done, drop, type DhcpHandler } from '../dhcp-handler.ts';
import type { LeaseStore } from '../lease-store.ts';

export function releaseDeclineHandler(store: LeaseStore, events: EventSink, declineSeconds: number): DhcpHandler {
  return {
    name: 'release-decline',
    async handle(req, res, ctx) {
      if (req.type !== 'DECLINE' && req.type !== 'RELEASE') return res;
      const details = { mac: req.mac, interface: req.interface, relay: req.relay ?? null };
      if (req.type === 'DECLINE') {
        const ip = req.packet.options.requestedIp; // §4.4.4: the declined address is in option 50
        if (ip === undefined) return drop('decline-without-address');
        if (!(await store.decline(ip, req.mac, ctx.now + declineSeconds * 1000, ctx.now))) return drop('decline-not-holder');
        events.emit({ actor: 'dhcp', node: ctx.node ?? null, kind: 'dhcp.decline', details: { ...details, ip } });
        return done('decline');
      }
      const ip = req.packet.ciaddr; // §4.4.6: RELEASE carries the address in ciaddr
      if (!(await store.release(ip, req.mac, ctx.now))) return drop('release-not-holder');
      events.emit({ actor: 'dhcp', node: ctx.node ?? null, kind: 'dhcp.release', details: { ...details, ip } });
      return done('release');
    },
  };
}
