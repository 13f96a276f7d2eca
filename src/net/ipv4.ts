// IPv4 address arithmetic shared by config validation and the DHCP pool: addresses as unsigned 32-bit numbers.

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Ipv4Network {
  network: number;
  prefix: number;
  /** First and last address of the block (network and broadcast addresses included). */
  first: number;
  last: number;
}

export function parseCidr(text: string): Ipv4Network | undefined {
  const [addr, len, ...rest] = text.split('/');
  if (rest.length || addr === undefined || len === undefined || !/^\d{1,2}$/.test(len)) return undefined;
  const ip = parseIpv4(addr);
  const prefix = Number(len);
  if (ip === undefined || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (ip & mask) >>> 0;
  return { network, prefix, first: network, last: (network | (~mask >>> 0)) >>> 0 };
}

export const inNetwork = (net: Ipv4Network, ip: number): boolean => ip >= net.first && ip <= net.last;
