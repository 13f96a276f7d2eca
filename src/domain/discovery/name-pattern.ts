// Node name patterns for enrollment: `node{###}` (next free number, zero-padded), `{serial}`, `{uuid}`, `{mac}`.
import { invalid } from '../errors.ts';
import type { DiscoveryFacts } from './discovery-facts.ts';

const PLACEHOLDER = /\{(#+|serial|uuid|mac)\}/g;
/** What a finished name must look like: a host name label (RFC 1123 §2.1), as inventory node names are. */
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Refuses patterns with unknown placeholders, more than one number, or literal text no host name could hold. */
export function checkNamePattern(pattern: string): void {
  if (pattern.length === 0 || pattern.length > 63) throw invalid('name pattern must be 1..63 characters', 'namePattern');
  const unknown = /\{([^}]*)\}/g;
  let numbers = 0;
  for (const m of pattern.matchAll(unknown)) {
    if (!/^(#+|serial|uuid|mac)$/.test(m[1]!)) throw invalid(`name pattern: unknown placeholder {${m[1]}} (use {###}, {serial}, {uuid}, {mac})`, 'namePattern');
    if (m[1]!.startsWith('#')) numbers++;
  }
  if (numbers > 1) throw invalid('name pattern: at most one {###} number', 'namePattern');
  const literal = pattern.replace(PLACEHOLDER, 'x');
  if (!/^[a-z0-9-]+$/.test(literal)) throw invalid('name pattern: literal text must be lower-case letters, digits and -', 'namePattern');
}

/** Serials firmware vendors leave in unset DMI fields: naming a node after them would give every machine one name. */
const PLACEHOLDER_SERIAL = /^(to be filled by o\.?e\.?m\.?|not specified|default string|system serial number|not applicable|n\/a|none|0+|x+)$/i;

/** Lower-cases and turns anything outside [a-z0-9-] into '-' (serials like "SN 12/34" → "sn-12-34"). */
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');

/**
 * The name for this machine. `{###}` becomes the lowest number ≥ 1 (at least as many digits as #) for which
 * `taken(name)` is false. Throws invalid when a fact the pattern needs is missing or the result is no host name.
 */
export function renderNodeName(pattern: string, f: DiscoveryFacts, taken: (name: string) => boolean): string {
  checkNamePattern(pattern);
  const fill = (n: number) =>
    pattern.replace(PLACEHOLDER, (_all, p: string) => {
      if (p.startsWith('#')) return String(n).padStart(p.length, '0');
      const v = p === 'serial' ? (PLACEHOLDER_SERIAL.test(f.dmi.serial.trim()) ? '' : slug(f.dmi.serial)) : p === 'uuid' ? f.dmi.uuid : f.bootMac.replace(/:/g, '');
      if (!v) throw invalid(`name pattern ${pattern} needs {${p}}, which this machine did not report`, 'namePattern');
      return v;
    });
  const numbered = /\{#+\}/.test(pattern);
  for (let n = 1; n <= 1_000_000; n++) {
    const name = fill(n);
    if (!NAME.test(name)) throw invalid(`name ${JSON.stringify(name)} from pattern ${pattern} is not a valid host name`, 'namePattern');
    if (!taken(name)) return name;
    if (!numbered) throw invalid(`name ${name} from pattern ${pattern} is already taken`, 'namePattern');
  }
  throw invalid(`pattern ${pattern}: no free number`, 'namePattern');
}
