// proxyDHCP (PXE 2.1 §2.2.1, RFC 4578): boot info only, never an address; another server gives addresses.
import { drop, type DhcpHandler } from '../dhcp-handler.ts';
import { withType } from '../reply-skeleton.ts';

/**
 * DISCOVER on port 67 from a boot client -> OFFER with yiaddr 0.0.0.0; REQUEST/INFORM on port 4011
 * -> ACK. The boot handler that follows adds the boot file and option 60 "PXEClient".
 */
export function proxyHandler(): DhcpHandler {
  return {
    name: 'proxy',
    async handle(req, res) {
      const vc = req.vendorClass ?? '';
      if (!vc.startsWith('PXEClient') && !vc.startsWith('HTTPClient') && !req.isIpxe) return drop('not-a-boot-client');
      const typed = withType(res, req.via === 'dhcp' ? 'OFFER' : 'ACK');
      return { ...typed, yiaddr: '0.0.0.0' };
    },
  };
}
