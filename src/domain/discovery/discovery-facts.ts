// The hardware facts a discovery agent reports, and their strict validation (everything bounded; unknown keys refused).
import { invalid } from '../errors.ts';
import { normalizeMac } from '../inventory/mac-address.ts';

export interface DiskFacts {
  name: string;
  sizeBytes: number;
  model: string;
  serial: string;
  rotational: boolean;
}

export interface NicFacts {
  name: string;
  mac: string;
  driver: string;
  carrier: boolean;
  speedMbps: number | null;
}

export interface DiscoveryFacts {
  agent: string;
  /** The NIC the machine booted from (normalised); the discovery entry's key. */
  bootMac: string;
  cpu: { model: string; sockets: number; cores: number; threads: number; flags: string[] };
  memory: { totalMiB: number; usableMiB: number };
  disks: DiskFacts[];
  nics: NicFacts[];
  dmi: { uuid: string; serial: string; vendor: string; product: string; boardSerial: string };
}

/** Upper bounds: a report is a few KiB; these keep a hostile one from filling the database. */
export const FACT_LIMITS = { text: 256, flags: 512, disks: 64, nics: 64, count: 65_536, memoryMiB: 64 * 1024 * 1024, diskBytes: 2 ** 53 - 1 } as const;

type Obj = Record<string, unknown>;

function object(v: unknown, field: string, keys: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${field} must be an object`, field);
  const extra = Object.keys(v).find((k) => !keys.includes(k));
  if (extra !== undefined) throw invalid(`${field}.${extra} is not a known fact`, `${field}.${extra}`);
  return v as Obj;
}

function text(o: Obj, key: string, field: string, re?: RegExp): string {
  const v = o[key] ?? '';
  if (typeof v !== 'string' || v.length > FACT_LIMITS.text || /[\u0000-\u001f\u007f]/.test(v)) {
    throw invalid(`${field}.${key} must be printable text of at most ${FACT_LIMITS.text} characters`, `${field}.${key}`);
  }
  if (re && v !== '' && !re.test(v)) throw invalid(`${field}.${key} has an unexpected form`, `${field}.${key}`);
  return v.trim();
}

function int(o: Obj, key: string, field: string, max: number, min = 0): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw invalid(`${field}.${key} must be an integer ${min}..${max}`, `${field}.${key}`);
  return v;
}

function bool(o: Obj, key: string, field: string): boolean {
  if (typeof o[key] !== 'boolean') throw invalid(`${field}.${key} must be true or false`, `${field}.${key}`);
  return o[key] as boolean;
}

function list(o: Obj, key: string, field: string, max: number): unknown[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length > max) throw invalid(`${field}.${key} must be a list of at most ${max}`, `${field}.${key}`);
  return v;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FLAG = /^[a-z0-9_.]{1,40}$/;
const DEV = /^[A-Za-z0-9._:-]{1,32}$/;

/** Validates a report body (the agent's JSON) into DiscoveryFacts; throws DomainError invalid naming the field. */
export function parseDiscoveryFacts(raw: unknown): DiscoveryFacts {
  const o = object(raw, 'facts', ['agent', 'bootMac', 'cpu', 'memory', 'disks', 'nics', 'dmi']);
  const agent = text(o, 'agent', 'facts', /^stage0-discover\/\d{1,4}$/);
  const c = object(o.cpu, 'cpu', ['model', 'sockets', 'cores', 'threads', 'flags']);
  const flags = list(c, 'flags', 'cpu', FACT_LIMITS.flags).map((f, i) => {
    if (typeof f !== 'string' || !FLAG.test(f)) throw invalid(`cpu.flags[${i}] is not a CPU flag`, `cpu.flags[${i}]`);
    return f;
  });
  const cpu = { model: text(c, 'model', 'cpu'), sockets: int(c, 'sockets', 'cpu', 1024, 1), cores: int(c, 'cores', 'cpu', FACT_LIMITS.count, 1), threads: int(c, 'threads', 'cpu', FACT_LIMITS.count, 1), flags };
  const m = object(o.memory, 'memory', ['totalMiB', 'usableMiB']);
  const memory = { totalMiB: int(m, 'totalMiB', 'memory', FACT_LIMITS.memoryMiB, 1), usableMiB: int(m, 'usableMiB', 'memory', FACT_LIMITS.memoryMiB) };
  const disks = list(o, 'disks', 'facts', FACT_LIMITS.disks).map((d, i) => {
    const f = `disks[${i}]`;
    const x = object(d, f, ['name', 'sizeBytes', 'model', 'serial', 'rotational']);
    return { name: text(x, 'name', f, DEV), sizeBytes: int(x, 'sizeBytes', f, FACT_LIMITS.diskBytes), model: text(x, 'model', f), serial: text(x, 'serial', f), rotational: bool(x, 'rotational', f) };
  });
  const nics = list(o, 'nics', 'facts', FACT_LIMITS.nics).map((n, i) => {
    const f = `nics[${i}]`;
    const x = object(n, f, ['name', 'mac', 'driver', 'carrier', 'speedMbps']);
    const speed = x.speedMbps === null || x.speedMbps === undefined ? null : int(x, 'speedMbps', f, 10_000_000);
    return { name: text(x, 'name', f, DEV), mac: normalizeMac(x.mac, `${f}.mac`), driver: text(x, 'driver', f, DEV), carrier: bool(x, 'carrier', f), speedMbps: speed };
  });
  const d = object(o.dmi, 'dmi', ['uuid', 'serial', 'vendor', 'product', 'boardSerial']);
  const dmi = { uuid: text(d, 'uuid', 'dmi', UUID).toLowerCase(), serial: text(d, 'serial', 'dmi'), vendor: text(d, 'vendor', 'dmi'), product: text(d, 'product', 'dmi'), boardSerial: text(d, 'boardSerial', 'dmi') };
  // The booted NIC; an agent that could not tell (no DHCP) falls back to the first NIC with a link.
  const bootRaw = typeof o.bootMac === 'string' && o.bootMac !== '' ? o.bootMac : (nics.find((n) => n.carrier) ?? nics[0])?.mac;
  if (bootRaw === undefined) throw invalid('the report names no MAC address (bootMac empty and no NICs)', 'bootMac');
  return { agent, bootMac: normalizeMac(bootRaw, 'bootMac'), cpu, memory, disks, nics, dmi };
}
