// The events the DHCP service reports (dhcp.offer/ack/nak from replies, dhcp.expire from the sweep).
import type { DhcpPacket } from '../../codec/dhcp/index.ts';
import type { NewEvent } from '../../domain/inventory/types.ts';
import type { DhcpContext, DhcpRequest } from './dhcp-handler.ts';
import type { Lease } from './lease-store.ts';

/** details: mac, ip (null without one), arch, bootfile+nextServer or url, interface, relay (giaddr), proxy, NAK reason. */
export function replyEvent(req: DhcpRequest, res: DhcpPacket, ctx: DhcpContext, proxy: boolean): NewEvent {
  const boot = ctx.boot;
  return {
    actor: 'dhcp',
    node: ctx.node ?? null,
    kind: `dhcp.${res.options.messageType!.toLowerCase()}`,
    details: {
      mac: req.mac,
      ip: res.yiaddr !== '0.0.0.0' ? res.yiaddr : null,
      arch: req.arch ?? null,
      ...(boot?.kind === 'tftp' ? { bootfile: boot.filename, nextServer: boot.nextServer } : {}),
      ...(boot?.kind === 'http' ? { url: boot.url } : {}),
      interface: req.interface,
      relay: req.relay ?? null,
      ...(proxy ? { proxy: true } : {}),
      ...(ctx.nakReason ? { reason: ctx.nakReason } : {}),
    },
  };
}

export function expireEvent(l: Lease): NewEvent {
  return { actor: 'dhcp', node: l.node ?? null, kind: 'dhcp.expire', details: { mac: l.mac, ip: l.ip, state: l.state } };
}
