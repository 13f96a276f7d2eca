// Reads nodes from their own rows (MACs and groups are kept there as JSON arrays): one query, never one per node.
import type { Node } from '../../domain/inventory/types.ts';
import { chunks, type InventoryDb } from './in-transaction.ts';
import { decodeAttrs } from './json-text.ts';
import type { NodesTable } from './schema.ts';

/** Every node, sorted by name: one query whatever the count. */
export async function loadAllNodes(db: InventoryDb): Promise<Node[]> {
  return (await db.selectFrom('nodes').selectAll().orderBy('name').execute()).map(toNode);
}

/** The named nodes that exist, sorted by name: one query per 1000 names (bound-parameter limits). */
export async function loadNodes(db: InventoryDb, names: readonly string[]): Promise<Node[]> {
  const unique = [...new Set(names)];
  if (unique.length === 1) {
    const row = await db.selectFrom('nodes').selectAll().where('name', '=', unique[0]!).executeTakeFirst();
    return row ? [toNode(row)] : [];
  }
  const out: Node[] = [];
  for (const part of chunks(unique)) {
    const rows = await db.selectFrom('nodes').selectAll().where('name', 'in', part).orderBy('name').execute();
    out.push(...rows.map(toNode));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function toNode(r: NodesTable): Node {
  return {
    name: r.name, macs: JSON.parse(r.macs) as string[], groups: JSON.parse(r.groups) as string[], bmc: r.bmc,
    attrs: decodeAttrs(r.attrs), version: Number(r.version), createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
