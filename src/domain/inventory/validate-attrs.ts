// Validates an attribute map: names, scalar values, catalog checks, and the syntax of computed values.
import { DomainError } from '../errors.ts';
import { ATTR_NAME, ATTRIBUTE_CATALOG, MAX_ATTR_STRING } from './attribute-catalog.ts';
import { compileComputed, isComputed } from './computed-value.ts';
import type { AttrValue, Attrs } from './types.ts';

/** How a value is shown in messages: strings quoted, others as JSON, long ones cut. */
export function showValue(v: unknown): string {
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const invalidAt = (field: string, message: string): DomainError => new DomainError('invalid', `${field}: ${message}`, { field });

export function validateAttrName(name: string, field: string): void {
  if (!ATTR_NAME.test(name)) {
    throw invalidAt(field, `'${name}' is not a valid attribute name (lower-case letter first, then a-z 0-9 _ . -, at most 64)`);
  }
}

/**
 * Checks one value for attribute `name`. A computed value is only checked for syntax here; its result is
 * type-checked when evaluated for a node (see checkAttrValue).
 */
export function validateAttrValue(name: string, input: unknown, field: string): AttrValue {
  if (!isScalar(input)) throw invalidAt(field, `${showValue(input)} is not a string, number or boolean`);
  const value: AttrValue = input;
  if (typeof value === 'string' && value.length > MAX_ATTR_STRING) throw invalidAt(field, `value is longer than ${MAX_ATTR_STRING} characters`);
  if (isComputed(value)) {
    compileComputed(value, field);
    return value;
  }
  const problem = checkAttrValue(name, value);
  if (problem) throw invalidAt(field, problem);
  return value;
}

const isScalar = (v: unknown): v is AttrValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** The catalog check for a known attribute, as a full phrase ("'10.0.0.300' is not an IPv4 address"), or undefined. */
export function checkAttrValue(name: string, value: AttrValue): string | undefined {
  const spec = ATTRIBUTE_CATALOG.get(name);
  const problem = spec?.check(value);
  return problem === undefined ? undefined : `${showValue(value)} ${problem}`;
}

/** Returns a clean copy of `attrs` or throws DomainError invalid naming the field, e.g. `attrs.ip`. */
export function validateAttrs(attrs: unknown, fieldPrefix = 'attrs'): Attrs {
  if (attrs === undefined) return {};
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) {
    throw new DomainError('invalid', `${fieldPrefix}: must be an object of name: value`, { field: fieldPrefix });
  }
  const out: Attrs = {};
  for (const [name, value] of Object.entries(attrs)) {
    const field = `${fieldPrefix}.${name}`;
    validateAttrName(name, field);
    out[name] = validateAttrValue(name, value, field);
  }
  return out;
}
