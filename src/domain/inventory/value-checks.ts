// Small pure checks for attribute values (IPv4, netmask, hostname, ports...). Each returns a problem or undefined.
import type { AttrValue } from './types.ts';

/** A check returns the problem phrase ("is not an IPv4 address") or undefined when the value is fine. */
export type ValueCheck = (value: AttrValue) => string | undefined;

export function isIPv4(s: string): boolean {
  // Hand-rolled (not split + regex): computed values check every node's address, 10,000 at a time.
  let octets = 0;
  let i = 0;
  while (octets < 4) {
    const start = i;
    let n = 0;
    while (i < s.length && i - start < 4) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    // No leading zeros: "010" means octal to some tools and decimal to others.
    if (len === 0 || len > 3 || n > 255 || (len > 1 && s.charCodeAt(start) === 48)) return false;
    octets++;
    if (octets < 4) {
      if (s.charCodeAt(i) !== 46) return false;
      i++;
    }
  }
  return i === s.length;
}

/** RFC 4291 section 2.2 text forms, including `::` compression and a trailing dotted IPv4. */
export function isIPv6(s: string): boolean {
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return false;
  let rest = s;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    // A dotted IPv4 tail stands for the last two 16-bit groups.
    if (!isIPv4(tail)) return false;
    rest = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const hex = /^[0-9A-Fa-f]{1,4}$/;
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const halves = rest.split('::');
  if (halves.length === 1) {
    const g = groups(rest);
    return g.length === 8 && g.every((x) => hex.test(x));
  }
  if (halves.length !== 2) return false;
  const all = [...groups(halves[0] as string), ...groups(halves[1] as string)];
  return all.length <= 7 && all.every((x) => hex.test(x));
}

/** RFC 1123 section 2.1: labels of letters, digits and inner hyphens, 1-63 characters, 253 in all. */
export function isHostname(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

export function isNetmask(s: string): boolean {
  if (!isIPv4(s)) return false;
  const bits = s.split('.').reduce((n, p) => n * 256 + Number(p), 0);
  // Contiguous ones then zeros: the inverted mask plus one is a power of two.
  const inverted = 0xffffffff - bits;
  return ((inverted + 1) & inverted) === 0;
}

export const ipv4: ValueCheck = (v) => (typeof v === 'string' && isIPv4(v) ? undefined : 'is not an IPv4 address');
export const netmask: ValueCheck = (v) => (typeof v === 'string' && isNetmask(v) ? undefined : 'is not an IPv4 netmask (e.g. 255.255.255.0)');
export const ipv4List: ValueCheck = (v) =>
  typeof v === 'string' && v.split(',').every((p) => isIPv4(p.trim())) ? undefined : 'is not an IPv4 address or a comma list of them';
export const hostname: ValueCheck = (v) => (typeof v === 'string' && isHostname(v) ? undefined : 'is not a valid hostname (RFC 1123)');
export const hostOrIp: ValueCheck = (v) =>
  typeof v === 'string' && (isIPv4(v) || isIPv6(v) || isHostname(v)) ? undefined : 'is not a hostname or an IP address';

export const oneOf =
  (...allowed: string[]): ValueCheck =>
  (v) =>
    typeof v === 'string' && allowed.includes(v) ? undefined : `is not one of ${allowed.join(', ')}`;

/** Integers may arrive as numbers (JSON/YAML) or digit strings (CLI `attr=value`, computed values). */
export const integer =
  (min: number, max: number): ValueCheck =>
  (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) && n >= min && n <= max ? undefined : `is not an integer from ${min} to ${max}`;
  };

export const text =
  (maxLength: number): ValueCheck =>
  (v) =>
    // eslint-disable-next-line no-control-regex
    typeof v === 'string' && v.length >= 1 && v.length <= maxLength && !/[\u0000-\u001f\u007f]/.test(v)
      ? undefined
      : `is not a non-empty text of at most ${maxLength} characters without control characters`;

export const pattern =
  (re: RegExp, what: string): ValueCheck =>
  (v) =>
    typeof v === 'string' && re.test(v) ? undefined : `is not ${what}`;
