// IPv4 address arithmetic for subnets and pools (dotted quads <-> unsigned 32-bit integers).
import { invalid } from '../../domain/errors.ts';

/** Dotted quad -> unsigned 32-bit integer; throws DomainError('invalid') naming `field`. Hot: no regex, no split. */
export function ipToInt(ip: string, field = 'ip'): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (part > 255) break;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      dots = -1;
      break;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) throw invalid(`not an IPv4 address: ${ip}`, field);
  return n * 256 + part;
}

/** Unsigned 32-bit integer -> dotted quad. Hot (every datagram the DHCP batch socket reads): no array, no join. */
export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Cidr {
  network: number;
  prefix: number;
  /** Dotted netmask, for option 1. */
  mask: string;
  broadcast: number;
}

export function parseCidr(cidr: string, field = 'cidr'): Cidr {
  const [addr, len] = cidr.split('/');
  const prefix = Number(len);
  if (addr === undefined || !/^\d{1,2}$/.test(len ?? '') || prefix > 32) throw invalid(`not an IPv4 CIDR: ${cidr}`, field);
  const maskInt = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (ipToInt(addr, field) & maskInt) >>> 0;
  return { network, prefix, mask: intToIp(maskInt), broadcast: (network | (~maskInt >>> 0)) >>> 0 };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n >= c.network && n <= c.broadcast;
}

export function compareIps(a: string, b: string): number {
  return ipToInt(a) - ipToInt(b);
}
