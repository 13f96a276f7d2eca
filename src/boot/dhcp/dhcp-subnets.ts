// Subnets the service answers for, resolved once from config: which subnet a request belongs to, pool ranges.
import { invalid } from '../../domain/errors.ts';
import { DEFAULT_LEASE_SECONDS, type DhcpServiceConfig, type DhcpSubnetConfig } from './dhcp-config.ts';
import { cidrContains, ipToInt, parseCidr, type Cidr } from './ipv4.ts';

export interface Subnet {
  cidr: string;
  net: Cidr;
  /** Inclusive [start, end] as integers, validated inside the subnet. */
  ranges: Array<[number, number]>;
  router: string | undefined;
  dns: string[] | undefined;
  domain: string | undefined;
  leaseSeconds: number;
  interface: string | undefined;
}

export class SubnetTable {
  readonly subnets: readonly Subnet[];
  readonly #serverAddress = new Map<string, string>();

  constructor(config: Pick<DhcpServiceConfig, 'subnets' | 'interfaces'>) {
    for (const [i, itf] of config.interfaces.entries()) {
      ipToInt(itf.serverAddress, `interfaces[${i}].serverAddress`);
      this.#serverAddress.set(itf.name, itf.serverAddress);
    }
    this.subnets = config.subnets.map((s, i) => resolve(s, `subnets[${i}]`));
  }

  /** Our address on an interface (option 54), or undefined when the interface is not configured. */
  serverAddress(ifname: string): string | undefined {
    return this.#serverAddress.get(ifname);
  }

  /**
   * RFC 2131 §4.3.1: a relayed request belongs to the subnet of giaddr; a direct one to the subnet
   * configured on the interface it came in on, else the subnet holding our address there.
   */
  select(ifname: string, giaddr: string): Subnet | undefined {
    if (giaddr !== '0.0.0.0') return this.subnets.find((s) => cidrContains(s.net, giaddr));
    const own = this.#serverAddress.get(ifname);
    return (
      this.subnets.find((s) => s.interface === ifname) ??
      (own === undefined ? undefined : this.subnets.find((s) => s.interface === undefined && cidrContains(s.net, own)))
    );
  }
}

export function inPool(s: Subnet, ip: string): boolean {
  const n = ipToInt(ip);
  return s.ranges.some(([a, b]) => n >= a && n <= b);
}

function resolve(s: DhcpSubnetConfig, field: string): Subnet {
  const net = parseCidr(s.cidr, `${field}.cidr`);
  const ranges = s.pools.map((r, j): [number, number] => {
    const a = ipToInt(r.start, `${field}.pools[${j}].start`);
    const b = ipToInt(r.end, `${field}.pools[${j}].end`);
    if (a > b || a <= net.network || b >= net.broadcast) {
      throw invalid(`pool ${r.start}-${r.end} is not a range inside ${s.cidr}`, `${field}.pools[${j}]`);
    }
    return [a, b];
  });
  const leaseSeconds = s.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 60) throw invalid('leaseSeconds must be an integer >= 60', `${field}.leaseSeconds`);
  return { cidr: s.cidr, net, ranges, router: s.router, dns: s.dns, domain: s.domain, leaseSeconds, interface: s.interface };
}
