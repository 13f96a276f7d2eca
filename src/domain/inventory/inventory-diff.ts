// Field-level differences between a current entity and the desired one, for plans and their display.
import type { AttrValue, Attrs } from './types.ts';

/** One changed field: `attrs.ip`, `macs`, `groups`, `bmc`. A missing `before` means added, a missing `after` removed. */
export interface FieldChange {
  field: string;
  before?: AttrValue | readonly string[] | null;
  after?: AttrValue | readonly string[] | null;
}

export function diffAttrs(before: Attrs, after: Attrs, prefix = 'attrs'): FieldChange[] {
  const out: FieldChange[] = [];
  for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[k];
    const a = after[k];
    if (b === a) continue;
    const change: FieldChange = { field: `${prefix}.${k}` };
    if (b !== undefined) change.before = b;
    if (a !== undefined) change.after = a;
    out.push(change);
  }
  return out;
}

export const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Diff of an ordered list field (order matters: first MAC, group precedence). */
export function diffList(field: string, before: readonly string[], after: readonly string[] | undefined): FieldChange[] {
  return after === undefined || sameList(before, after) ? [] : [{ field, before: [...before], after: [...after] }];
}
