// The configuration options every address-carrying reply has: mask, router, DNS, domain (RFC 2132 §3), times (§9.2, §9.11).
import type { DhcpPacket } from '../../../codec/dhcp/dhcp-packet.ts';
import { withOptions } from '../../../codec/dhcp/dhcp-packet.ts';
import type { Subnet } from '../dhcp-subnets.ts';

/** Options 1, 3, 6, 15 and, with `leaseSeconds`, 51 plus T1 = 50% (58) and T2 = 87.5% (59) per RFC 2131 §4.4.5. */
export function withSubnetOptions(res: DhcpPacket, subnet: Subnet, leaseSeconds?: number, hostname?: string): DhcpPacket {
  return withOptions(res, {
    subnetMask: subnet.net.mask,
    routers: subnet.router ? [subnet.router] : undefined,
    dnsServers: subnet.dns && subnet.dns.length > 0 ? subnet.dns : undefined,
    domainName: subnet.domain,
    hostname,
    leaseTime: leaseSeconds,
    renewalTime: leaseSeconds === undefined ? undefined : Math.floor(leaseSeconds / 2),
    rebindingTime: leaseSeconds === undefined ? undefined : Math.floor((leaseSeconds * 7) / 8),
  });
}
