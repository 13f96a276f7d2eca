// Turns the current inventory into a complete, deterministically ordered document (export -> apply is a no-op).
import { naturalCompare } from '../noderange/natural-compare.ts';
import { INVENTORY_API_VERSION, type InventoryDoc, type InventoryState } from './inventory-doc.ts';
import type { Attrs } from './types.ts';

/** Attributes with their keys in code-unit order, so exports diff cleanly. */
export function sortedAttrs(attrs: Attrs): Attrs {
  const out: Attrs = {};
  for (const k of Object.keys(attrs).sort()) out[k] = attrs[k] as Attrs[string];
  return out;
}

/**
 * Every section and every field is written (empty lists, `bmc: null`), so applying the export to another
 * inventory makes it equal to this one. Groups and nodes come in natural name order; MAC and group lists keep
 * their order, which is meaningful (first MAC, group precedence).
 */
export function exportInventoryDoc(current: InventoryState): InventoryDoc {
  const byName = <T extends { name: string }>(a: T, b: T): number => naturalCompare(a.name, b.name);
  return {
    apiVersion: INVENTORY_API_VERSION,
    site: { attrs: sortedAttrs(current.site.attrs) },
    groups: [...current.groups].sort(byName).map((g) => ({ name: g.name, attrs: sortedAttrs(g.attrs) })),
    nodes: [...current.nodes].sort(byName).map((n) => ({
      name: n.name,
      macs: [...n.macs],
      groups: [...n.groups],
      bmc: n.bmc,
      attrs: sortedAttrs(n.attrs),
    })),
  };
}
