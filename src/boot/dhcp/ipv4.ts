// IPv4 address arithmetic for subnets and pools (dotted quads <-> unsigned 32-bit integers).
import { invalid } from '../../domain/errors.ts';

export function ipToInt(ip: string, field = 'ip'): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw invalid(`not an IPv4 address: ${ip}`, field);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw invalid(`not an IPv4 address: ${ip}`, field);
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
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
