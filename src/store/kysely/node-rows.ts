// Reads nodes with their MACs and groups in a fixed number of queries (one per table), never one per node.
import type { Node } from '../../domain/inventory/types.ts';
import { chunks, type InventoryDb } from './in-transaction.ts';
import { decodeAttrs } from './json-text.ts';
import type { NodesTable } from './schema.ts';

/** Every node, sorted by name: three queries whatever the count. */
export async function loadAllNodes(db: InventoryDb): Promise<Node[]> {
  const [rows, macs, groups] = await Promise.all([
    db.selectFrom('nodes').selectAll().orderBy('name').execute(),
    db.selectFrom('node_macs').select(['node', 'mac']).orderBy('node').orderBy('position').execute(),
    db.selectFrom('node_groups').select(['node', 'group_name']).orderBy('node').orderBy('position').execute(),
  ]);
  return assemble(rows, macs, groups);
}

/** The named nodes that exist, sorted by name: three queries per 1000 names. */
export async function loadNodes(db: InventoryDb, names: readonly string[]): Promise<Node[]> {
  const out: Node[] = [];
  for (const part of chunks([...new Set(names)])) {
    // Sequential on purpose: a transaction has one connection, and SQLite has one connection anyway.
    const rows = await db.selectFrom('nodes').selectAll().where('name', 'in', part).orderBy('name').execute();
    if (rows.length === 0) continue;
    const found = rows.map((r) => r.name);
    const macs = await db.selectFrom('node_macs').select(['node', 'mac']).where('node', 'in', found)
      .orderBy('node').orderBy('position').execute();
    const groups = await db.selectFrom('node_groups').select(['node', 'group_name']).where('node', 'in', found)
      .orderBy('node').orderBy('position').execute();
    out.push(...assemble(rows, macs, groups));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function assemble(
  rows: readonly NodesTable[],
  macs: readonly { node: string; mac: string }[],
  groups: readonly { node: string; group_name: string }[],
): Node[] {
  const byName = new Map<string, Node>();
  const nodes = rows.map((r) => {
    const n: Node = {
      name: r.name, macs: [], groups: [], bmc: r.bmc, attrs: decodeAttrs(r.attrs),
      version: Number(r.version), createdAt: r.created_at, updatedAt: r.updated_at,
    };
    byName.set(r.name, n);
    return n;
  });
  for (const m of macs) byName.get(m.node)?.macs.push(m.mac);
  for (const g of groups) byName.get(g.node)?.groups.push(g.group_name);
  return nodes;
}
