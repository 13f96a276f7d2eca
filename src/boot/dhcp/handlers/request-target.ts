// What a DHCPREQUEST asks for (RFC 2131 §4.3.2): which address, and whether it picks another server's offer.
import type { DhcpRequest } from '../dhcp-handler.ts';

export interface RequestTarget {
  /** Option 50 (SELECTING, INIT-REBOOT) or ciaddr (RENEWING, REBINDING); undefined when neither is set. */
  ip: string | undefined;
  /** SELECTING: the client answers an OFFER (option 54 present). */
  selecting: boolean;
  /** SELECTING another server's OFFER: our offer to this client is void. */
  otherServer: boolean;
}

export function requestTarget(req: DhcpRequest): RequestTarget {
  const { serverId, requestedIp } = req.packet.options;
  const ciaddr = req.packet.ciaddr === '0.0.0.0' ? undefined : req.packet.ciaddr;
  return {
    ip: requestedIp ?? ciaddr,
    selecting: serverId !== undefined,
    otherServer: serverId !== undefined && serverId !== req.serverAddress,
  };
}
