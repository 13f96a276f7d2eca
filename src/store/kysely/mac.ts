// MAC addresses in the one form the store keeps: six lower-case hex pairs joined by colons.
import { invalid } from '../../domain/errors.ts';

const HEX12 = /^[0-9a-f]{12}$/;

/**
 * Accepts aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff (Cisco) and aabbccddeeff; anything else is
 * DomainError invalid on `field`.
 */
export function normalizeMac(input: string, field = 'mac'): string {
  const s = input.trim().toLowerCase();
  const sep = /^([0-9a-f]{1,2})([:-])/.exec(s);
  let hex: string;
  if (sep) {
    const parts = s.split(sep[2]!);
    if (parts.length !== 6 || parts.some((p) => !/^[0-9a-f]{1,2}$/.test(p))) throw invalid(`not a MAC address: ${input}`, field);
    hex = parts.map((p) => p.padStart(2, '0')).join('');
  } else {
    hex = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(s) ? s.replaceAll('.', '') : s;
  }
  if (!HEX12.test(hex)) throw invalid(`not a MAC address: ${input}`, field);
  return hex.match(/../g)!.join(':');
}

/** Normalises a node's MAC list; a MAC listed twice is invalid (it can belong to one slot only). */
export function normalizeMacList(macs: readonly string[]): string[] {
  const out: string[] = [];
  macs.forEach((m, i) => {
    const mac = normalizeMac(m, `macs[${i}]`);
    if (out.includes(mac)) throw invalid(`MAC ${mac} is listed twice`, `macs[${i}]`);
    out.push(mac);
  });
  return out;
}
