// Enrollment rules: which discovered machines join the inventory on their own, under what name and in which groups.
import { invalid } from '../errors.ts';
import { normalizeMac } from '../inventory/mac-address.ts';
import type { DiscoveryFacts } from './discovery-facts.ts';
import { checkNamePattern } from './name-pattern.ts';

/** Every given condition must hold (AND); a rule with no condition matches every machine. */
export interface RuleMatch {
  mac?: string;
  /** DMI system UUID (case-insensitive). */
  uuid?: string;
  /** DMI system serial (exact). */
  serial?: string;
  /** Substring of the CPU model, case-insensitive. */
  cpuModel?: string;
  minMemoryMiB?: number;
  maxMemoryMiB?: number;
  minCores?: number;
  /** DMI vendor substring, case-insensitive. */
  vendor?: string;
}

export interface DiscoveryRule {
  name: string;
  /** Lower runs first; ties by name. */
  priority: number;
  match: RuleMatch;
  /** e.g. node{###}, rack1-{serial}; see name-pattern.ts. */
  namePattern: string;
  groups: string[];
  createdAt: string;
}

export type NewDiscoveryRule = Omit<DiscoveryRule, 'createdAt'>;

const RULE_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const GROUP = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MATCH_KEYS = ['mac', 'uuid', 'serial', 'cpuModel', 'minMemoryMiB', 'maxMemoryMiB', 'minCores', 'vendor'] as const;

/** Validates and normalises a rule (MAC and UUID lower-cased); throws DomainError invalid naming the field. */
export function validateRule(r: NewDiscoveryRule): NewDiscoveryRule {
  if (!RULE_NAME.test(r.name)) throw invalid('rule name: lower-case letters, digits, _ . - (at most 64)', 'name');
  if (!Number.isInteger(r.priority) || r.priority < 0 || r.priority > 1_000_000) throw invalid('priority must be an integer 0..1000000', 'priority');
  checkNamePattern(r.namePattern);
  for (const [i, g] of r.groups.entries()) if (!GROUP.test(g)) throw invalid(`group ${JSON.stringify(g)} is not a valid group name`, `groups[${i}]`);
  const match: RuleMatch = {};
  for (const [k, v] of Object.entries(r.match)) {
    if (!(MATCH_KEYS as readonly string[]).includes(k)) throw invalid(`match.${k} is not a rule condition (use ${MATCH_KEYS.join(', ')})`, `match.${k}`);
    if (v === undefined) continue;
    if (k.startsWith('min') || k.startsWith('max')) {
      if (!Number.isSafeInteger(v) || (v as number) < 0) throw invalid(`match.${k} must be a non-negative integer`, `match.${k}`);
    } else if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw invalid(`match.${k} must be text of 1..256 characters`, `match.${k}`);
    (match as Record<string, unknown>)[k] = k === 'mac' ? normalizeMac(v, 'match.mac') : k === 'uuid' ? (v as string).toLowerCase() : v;
  }
  return { name: r.name, priority: r.priority, match, namePattern: r.namePattern, groups: [...r.groups] };
}

const has = (hay: string, needle: string) => hay.toLowerCase().includes(needle.toLowerCase());

export function ruleMatches(m: RuleMatch, f: DiscoveryFacts): boolean {
  if (m.mac !== undefined && m.mac !== f.bootMac && !f.nics.some((n) => n.mac === m.mac)) return false;
  if (m.uuid !== undefined && m.uuid !== f.dmi.uuid) return false;
  if (m.serial !== undefined && m.serial !== f.dmi.serial) return false;
  if (m.cpuModel !== undefined && !has(f.cpu.model, m.cpuModel)) return false;
  if (m.vendor !== undefined && !has(f.dmi.vendor, m.vendor)) return false;
  if (m.minMemoryMiB !== undefined && f.memory.totalMiB < m.minMemoryMiB) return false;
  if (m.maxMemoryMiB !== undefined && f.memory.totalMiB > m.maxMemoryMiB) return false;
  if (m.minCores !== undefined && f.cpu.cores < m.minCores) return false;
  return true;
}

/** The first rule (by priority, then name) that matches, or undefined: the machine waits for approval. */
export function firstMatchingRule(rules: readonly DiscoveryRule[], f: DiscoveryFacts): DiscoveryRule | undefined {
  return [...rules].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name)).find((r) => ruleMatches(r.match, f));
}
