// What a template may touch: only own data properties of plain objects and arrays handed in as variables.
import { TemplateFault } from './template-error.ts';

/** A variable or attribute that is not there; carried through member access and reported where it is used. */
export class Missing {
  constructor(
    readonly path: string,
    readonly pos: number,
  ) {}
}

export type Data = string | number | boolean | null | readonly Data[] | { readonly [k: string]: Data };
export type Value = Data | Missing;

/**
 * Names a template may never resolve, even if a caller put them in the variables: they are how template engines
 * get broken out of (process, globals, constructors, module loaders).
 */
const FORBIDDEN_NAMES = new Set([
  'process', 'globalThis', 'global', 'window', 'self', 'require', 'module', 'exports', 'import', 'eval', 'Function',
  'constructor', 'prototype', 'this', 'Object', 'Array', 'String', 'Number', 'Reflect', 'Proxy', 'Buffer', 'fetch',
  'setTimeout', 'setInterval', 'Symbol', 'Promise', 'WebAssembly', 'Deno', 'Bun',
]);

/** Keys that only make sense as an escape attempt: prototypes, constructors and Object.prototype's methods. */
export const isForbiddenKey = (key: string): boolean => key === 'prototype' || key.startsWith('__') || key in Object.prototype;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `node` + `ip` -> `node.ip`; `node` + `bmc.address` -> `node['bmc.address']`; `macs` + 0 -> `macs[0]`. */
export function formatPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENT.test(key)) return `${base}.${key}`;
  return `${base}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function denied(what: string, pos: number): TemplateFault {
  return new TemplateFault('sandbox', `access to '${what}' is not allowed in templates`, pos);
}

export function checkName(name: string, pos: number): void {
  if (FORBIDDEN_NAMES.has(name) || isForbiddenKey(name)) throw denied(name, pos);
}

/**
 * Reads `key` of `obj` the safe way: own data properties only (getters are never run), plain objects and arrays
 * only, and the value must itself be template data. Anything absent gives a Missing with `path`.
 */
export function readMember(obj: Data, key: string | number, path: string, pos: number): Value {
  if (typeof key === 'string' && isForbiddenKey(key)) throw denied(key, pos);
  if (Array.isArray(obj)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) return new Missing(path, pos);
    return key >= 0 && key < obj.length ? checkData(obj[key], path, pos) : new Missing(path, pos);
  }
  if (obj === null || typeof obj !== 'object' || !isPlainObject(obj)) return new Missing(path, pos);
  const d = Object.getOwnPropertyDescriptor(obj, String(key));
  if (d === undefined) return new Missing(path, pos);
  if (!('value' in d)) throw new TemplateFault('sandbox', `'${path}' is an accessor, not data`, pos);
  return checkData(d.value, path, pos);
}

/** Refuses functions, class instances, symbols and the like: a template sees strings, numbers, lists and maps only. */
export function checkData(v: unknown, path: string, pos: number): Data {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return v;
    case 'undefined':
      return null;
    case 'object':
      if (v === null || Array.isArray(v) || isPlainObject(v)) return v as Data;
      throw new TemplateFault('sandbox', `'${path}' is not template data (an object that is not a plain object or list)`, pos);
    default:
      throw new TemplateFault('sandbox', `'${path}' is not template data (a ${typeof v})`, pos);
  }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
