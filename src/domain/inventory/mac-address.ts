// MAC address normalisation: every accepted spelling becomes lower-case, colon-separated 'aa:bb:cc:dd:ee:ff'.
import { DomainError } from '../errors.ts';

// Colon and dash forms may drop leading zeros (BSD and some BMCs print 2:0:0:a:b:c).
const SPELLINGS = [
  /^([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2})$/i,
  /^([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})-([0-9a-f]{1,2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i, // Cisco aabb.ccdd.eeff
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i,
];

/**
 * Accepts aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff and aabbccddeeff (any case); anything else throws
 * DomainError invalid naming `field` (e.g. `macs[1]`).
 */
export function normalizeMac(input: unknown, field = 'mac'): string {
  if (typeof input === 'string') {
    const text = input.trim();
    for (const re of SPELLINGS) {
      const m = re.exec(text);
      if (m) return m.slice(1).map((octet) => octet.padStart(2, '0')).join(':').toLowerCase();
    }
  }
  const shown = typeof input === 'string' ? `'${input}'` : JSON.stringify(input) ?? String(input);
  throw new DomainError('invalid', `${field}: ${shown} is not a MAC address (use aa:bb:cc:dd:ee:ff)`, { field });
}

/** Normalises a list and refuses duplicates within it (after normalisation). */
export function normalizeMacList(input: unknown, field = 'macs'): string[] {
  if (!Array.isArray(input)) throw new DomainError('invalid', `${field}: must be a list of MAC addresses`, { field });
  const seen = new Map<string, number>();
  return input.map((raw, i) => {
    const mac = normalizeMac(raw, `${field}[${i}]`);
    const first = seen.get(mac);
    if (first !== undefined) {
      throw new DomainError('invalid', `${field}[${i}]: ${mac} is listed twice (also ${field}[${first}])`, { field: `${field}[${i}]` });
    }
    seen.set(mac, i);
    return mac;
  });
}
