// The filters a template may apply (`{{ x | upper }}`): an explicit, fixed list of pure functions on data.
import { Missing, type Data, type Value } from './template-sandbox.ts';

/** Filters throw FilterProblem; the evaluator adds the position. */
export class FilterProblem extends Error {}

export type Filter = (input: Value, args: Data[]) => Value;

/** How a value prints: lists and maps never print implicitly, so `{{ node.macs }}` is a mistake, not `a,b`. */
export function toText(v: Data): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return '';
  throw new FilterProblem(Array.isArray(v) ? "a list cannot be printed as text; use | join(',') or | json" : 'a map cannot be printed as text; use | json');
}

const data = (v: Value): Data => (v instanceof Missing ? null : v);
const text = (v: Value): string => toText(data(v));
function list(v: Value, name: string): readonly Data[] {
  const d = data(v);
  if (d === null) return [];
  if (!Array.isArray(d)) throw new FilterProblem(`'${name}' needs a list`);
  return d;
}
function arg(args: Data[], i: number, name: string, fallback?: string): string {
  const a = args[i] ?? fallback;
  if (a === undefined) throw new FilterProblem(`'${name}' needs argument ${i + 1}`);
  return toText(a);
}

/**
 * A copy of `v` made of own data properties only, checked at every level (the sandbox checks one level per member
 * read): JSON.stringify alone would run getters and toJSON functions a caller left in the variables, and throw a
 * TypeError on cycles.
 */
function plainCopy(v: Data, depth: number, path: Set<object>): Data {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' || typeof v === 'undefined') throw new FilterProblem(`'json' met a ${typeof v}, not template data`);
    return v;
  }
  if (depth > 64) throw new FilterProblem("'json': data nested deeper than 64 levels");
  if (path.has(v)) throw new FilterProblem("'json': the data refers to itself");
  const proto = Object.getPrototypeOf(v);
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) throw new FilterProblem("'json' met an object that is not a plain map or list");
  path.add(v);
  try {
    if (Array.isArray(v)) return v.map((item: Data) => plainCopy(item, depth + 1, path));
    const out: Record<string, Data> = Object.create(null);
    for (const key of Object.keys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d === undefined || !('value' in d)) throw new FilterProblem(`'json' met an accessor ('${key}'), not data`);
      out[key] = plainCopy(d.value as Data, depth + 1, path);
    }
    return out;
  } finally {
    path.delete(v);
  }
}

/** POSIX shell single quoting: safe for any string in sh, bash, busybox ash. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function parseUrl(s: string, name: string): URL {
  try {
    return new URL(s);
  } catch {
    throw new FilterProblem(`'${name}' needs a URL, got '${s.slice(0, 80)}'`);
  }
}

/** Dotted netmask (255.255.255.0) or a prefix length (24) -> prefix length. */
function prefixLength(s: string): number {
  if (/^\d{1,2}$/.test(s) && Number(s) <= 32) return Number(s);
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) throw new FilterProblem(`'prefixlen' needs a netmask, got '${s.slice(0, 40)}'`);
  const bits = parts.reduce((acc, p) => acc * 256 + Number(p), 0).toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(bits)) throw new FilterProblem(`'${s}' is not a contiguous netmask`);
  return bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
}

const FILTERS: Record<string, Filter> = {
  /** The fallback when the input is missing or none; the one filter that accepts a missing variable in strict mode. */
  default: (v, args) => (v instanceof Missing || v === null ? (args[0] ?? '') : v),
  upper: (v) => text(v).toUpperCase(),
  lower: (v) => text(v).toLowerCase(),
  trim: (v) => text(v).trim(),
  string: (v) => text(v),
  quote: (v) => shellQuote(text(v)),
  json: (v) => JSON.stringify(plainCopy(data(v), 0, new Set())),
  join: (v, args) => list(v, 'join').map(toText).join(args[0] === undefined ? '' : toText(args[0])),
  split: (v, args) => {
    const sep = arg(args, 0, 'split', ',');
    if (sep === '') throw new FilterProblem("'split' needs a non-empty separator");
    const s = text(v);
    // Comma lists as xCAT writes them: items trimmed, empty items dropped ('a, ,b,' -> ['a', 'b']).
    return s.split(sep).map((p) => p.trim()).filter((p) => p !== '');
  },
  replace: (v, args) => text(v).split(arg(args, 0, 'replace')).join(arg(args, 1, 'replace')),
  length: (v) => {
    const d = data(v);
    if (d === null) return 0;
    if (typeof d === 'object') return Array.isArray(d) ? d.length : Object.keys(d).length;
    return toText(d).length;
  },
  first: (v) => list(v, 'first')[0] ?? null,
  last: (v) => list(v, 'last').at(-1) ?? null,
  urlencode: (v) => encodeURIComponent(text(v)),
  urlscheme: (v) => parseUrl(text(v), 'urlscheme').protocol.replace(/:$/, ''),
  urlhost: (v) => parseUrl(text(v), 'urlhost').host,
  urlpath: (v) => parseUrl(text(v), 'urlpath').pathname,
  prefixlen: (v) => prefixLength(text(v)),
};

/** Every filter by name. Frozen: nothing can register a filter at run time. */
export const TEMPLATE_FILTERS: ReadonlyMap<string, Filter> = new Map(Object.entries(FILTERS));
