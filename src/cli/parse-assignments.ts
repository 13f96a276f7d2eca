// "key=value" arguments (xCAT style) → node fields and attributes. An empty value removes the attribute.
import { CliError } from './api-client.ts';

export type AttrInput = string | number | boolean | null;

export interface Assignments {
  groups?: string[];
  macs?: string[];
  bmc?: string | null;
  attrs: Record<string, AttrInput>;
}

/** Integers without leading zeros and true/false become typed values; everything else stays a string. */
export function typedValue(raw: string): AttrInput {
  if (raw === '') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?(0|[1-9]\d{0,14})$/.test(raw)) return Number(raw);
  return raw;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

export function parseAssignments(args: readonly string[]): Assignments {
  const out: Assignments = { attrs: {} };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new CliError(`expected key=value, got '${arg}'`, 2);
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    if (key === 'groups') out.groups = list(value);
    else if (key === 'mac' || key === 'macs') out.macs = list(value);
    else if (key === 'bmc') out.bmc = value === '' ? null : value;
    else out.attrs[key] = typedValue(value);
  }
  return out;
}
