// Relayed requests (giaddr set): the reply echoes the relay agent information option 82 (RFC 3046 §2.2).
import { withRawOption } from '../../../codec/dhcp/dhcp-packet.ts';
import type { DhcpHandler } from '../dhcp-handler.ts';
import { relayAgentInfoOf } from '../request-facts.ts';

/** The subnet is chosen by giaddr (SubnetTable.select) and the reply goes to giaddr:67 (DhcpService). */
export function relayHandler(): DhcpHandler {
  return {
    name: 'relay',
    async handle(req, res) {
      const info = relayAgentInfoOf(req.packet);
      // Option 82 must come back exactly as sent and last; the codec keeps 82 last when others are added later.
      return info ? withRawOption(res, 82, info) : res;
    },
  };
}
