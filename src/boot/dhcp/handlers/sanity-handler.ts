// First handler: drops what this server must not answer (wrong message type for the mode, another server's packets).
import type { DhcpMessageType } from '../../../codec/dhcp/dhcp-packet.ts';
import type { DhcpMode } from '../dhcp-config.ts';
import { drop, type DhcpHandler } from '../dhcp-handler.ts';

/** Client-to-server message types per mode and port (RFC 2131 §3.1; PXE 2.1 §2.2 for 4011). */
const ACCEPTED: Record<Exclude<DhcpMode, 'off'>, Record<'dhcp' | 'proxy', readonly DhcpMessageType[]>> = {
  authoritative: { dhcp: ['DISCOVER', 'REQUEST', 'DECLINE', 'RELEASE', 'INFORM'], proxy: [] },
  // proxyDHCP: offers on 67 only; the client's REQUEST for boot info comes to 4011.
  proxy: { dhcp: ['DISCOVER'], proxy: ['REQUEST', 'INFORM'] },
};

export function sanityHandler(mode: Exclude<DhcpMode, 'off'>): DhcpHandler {
  return {
    name: 'sanity',
    async handle(req, res) {
      if (!ACCEPTED[mode][req.via].includes(req.type)) return drop(`unexpected-${req.type.toLowerCase()}`);
      const serverId = req.packet.options.serverId;
      // RFC 2131 §4.3.2/§4.3.3: DECLINE and RELEASE name the server they are for; REQUEST is handled by the lease handlers.
      if ((req.type === 'DECLINE' || req.type === 'RELEASE') && serverId !== undefined && serverId !== req.serverAddress) {
        return drop('other-server');
      }
      return res;
    },
  };
}
