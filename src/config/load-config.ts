// Reads, defaults and validates the configuration once; everything after start-up gets a frozen, typed Config.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config } from './config-schema.ts';
import { cidrContains, ipToInt, parseCidr, type Cidr } from '../boot/dhcp/ipv4.ts';

const isIpv4 = (text: string): boolean => attempt(() => ipToInt(text)) !== undefined;
const cidrOf = (text: string): Cidr | undefined => attempt(() => parseCidr(text));
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

export interface ConfigProblem {
  /** Dotted key path, e.g. "dhcp.subnets[0].pool[1].end". */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(source: string, problems: ConfigProblem[]) {
    super(`${source}: ${problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** "/dhcp/subnets/0/pool/1/end" → "dhcp.subnets[0].pool[1].end" */
function keyOf(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('') || '(root)';
}

function schemaProblems(value: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const e of Value.Errors(ConfigSchema, value)) {
    const key = keyOf(e.path);
    // Unions report one error per branch; keep the first per key so the message stays one clear line.
    if (problems.some((p) => p.key === key)) continue;
    const extra = e.schema && 'pattern' in e.schema && e.schema.description ? ` (expected ${e.schema.description})` : '';
    const message = e.message.startsWith('Unexpected property') ? 'unknown key' : `${e.message}${extra}`;
    problems.push({ key, message });
  }
  return problems;
}

/** Checks that need more than a schema: addresses, networks, and settings that only make sense together. */
function semanticProblems(c: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ipKeys: [string, string | undefined][] = [];
  c.dhcp.subnets.forEach((s, i) => {
    const net = cidrOf(s.cidr);
    if (!net) {
      problems.push({ key: `dhcp.subnets[${i}].cidr`, message: `'${s.cidr}' is not a valid IPv4 network` });
      return;
    }
    s.pool.forEach((r, j) => {
      for (const [k, text] of [['start', r.start], ['end', r.end]] as const) {
        if (!isIpv4(text)) problems.push({ key: `dhcp.subnets[${i}].pool[${j}].${k}`, message: `'${text}' is not an IPv4 address` });
        else if (!cidrContains(net, text)) problems.push({ key: `dhcp.subnets[${i}].pool[${j}].${k}`, message: `${text} is outside ${s.cidr}` });
      }
      if (isIpv4(r.start) && isIpv4(r.end) && ipToInt(r.start) > ipToInt(r.end))
        problems.push({ key: `dhcp.subnets[${i}].pool[${j}]`, message: `start ${r.start} is after end ${r.end}` });
    });
    ipKeys.push([`dhcp.subnets[${i}].router`, s.router]);
    (s.dns ?? []).forEach((d, j) => ipKeys.push([`dhcp.subnets[${i}].dns[${j}]`, d]));
  });
  for (const [key, ip] of ipKeys) if (ip !== undefined && !isIpv4(ip)) problems.push({ key, message: `'${ip}' is not an IPv4 address` });
  if (c.dhcp.mode !== 'off') {
    if (c.dhcp.interfaces.length === 0) problems.push({ key: 'dhcp.interfaces', message: `dhcp.mode is ${c.dhcp.mode}: name at least one interface to serve` });
    if (c.dhcp.mode === 'authoritative' && c.dhcp.subnets.length === 0)
      problems.push({ key: 'dhcp.subnets', message: 'dhcp.mode is authoritative: configure at least one subnet' });
    if (!c.boot.httpBase) problems.push({ key: 'boot.httpBase', message: 'required when DHCP is on: the URL machines use to reach stage0' });
  }
  if (c.store.kind === 'postgres' && !c.store.url) problems.push({ key: 'store.url', message: 'required for store.kind postgres (or set STAGE0_DATABASE_URL)' });
  if (c.store.kind === 'postgres' && c.store.exclusive) problems.push({ key: 'store.exclusive', message: 'applies to store.kind sqlite only (PostgreSQL is shared by design)' });
  if (c.api.listen !== 'localhost' && !/^[\d.]+$|^[0-9a-f:]+$/i.test(c.api.listen)) problems.push({ key: 'api.listen', message: `'${c.api.listen}' is not an address` });
  return problems;
}

export interface ConfigOverrides {
  dataDir?: string;
  listen?: string;
  port?: number;
}

/** Validates a parsed document (defaults applied) and returns a frozen Config, or throws ConfigError naming each bad key. */
export function validateConfig(raw: unknown, source = 'config', env: NodeJS.ProcessEnv = {}, overrides: ConfigOverrides = {}): Readonly<Config> {
  const doc = raw ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(source, [{ key: '(root)', message: 'expected a mapping of keys' }]);
  const withDefaults = Value.Default(ConfigSchema, structuredClone(doc)) as Record<string, unknown>;
  const problems = schemaProblems(withDefaults);
  if (problems.length) throw new ConfigError(source, problems);
  const c = withDefaults as Config;
  if (env.STAGE0_DATABASE_URL) c.store.url = env.STAGE0_DATABASE_URL;
  if (overrides.dataDir) c.dataDir = overrides.dataDir;
  if (overrides.listen) c.api.listen = overrides.listen;
  if (overrides.port !== undefined) c.api.port = overrides.port;
  const more = semanticProblems(c);
  if (more.length) throw new ConfigError(source, more);
  c.dataDir = path.resolve(c.dataDir);
  return deepFreeze(c);
}

export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Promise<Readonly<Config>> {
  if (!file) return validateConfig({}, 'defaults', env, overrides);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ key: '(file)', message: (err as Error).message }]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(file, [{ key: '(syntax)', message: (err as Error).message.split('\n')[0] ?? 'invalid YAML' }]);
  }
  return validateConfig(doc, file, env, overrides);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
