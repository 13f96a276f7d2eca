// Plans `apply`: the changes that turn the current inventory into the one a document describes.
import { DomainError } from '../errors.ts';
import { naturalCompare } from '../noderange/natural-compare.ts';
import type { InventoryDoc, InventoryState } from './inventory-doc.ts';
import { type FieldChange, diffAttrs, diffList } from './inventory-diff.ts';
import type { Attrs, GroupPatch, NewGroup, NewNode, NodePatch } from './types.ts';

/** `version` is the current entity's version (when the state had one), for optimistic concurrency. */
export type Change =
  | { action: 'update'; kind: 'site'; name: 'site'; attrs: Attrs; diff: FieldChange[] }
  | { action: 'create'; kind: 'group'; name: string; group: NewGroup; diff: FieldChange[] }
  | { action: 'update'; kind: 'group'; name: string; patch: GroupPatch; diff: FieldChange[]; version?: number }
  | { action: 'delete'; kind: 'group'; name: string; version?: number }
  | { action: 'create'; kind: 'node'; name: string; node: NewNode; diff: FieldChange[] }
  | { action: 'update'; kind: 'node'; name: string; patch: NodePatch; diff: FieldChange[]; version?: number; reason?: string }
  | { action: 'delete'; kind: 'node'; name: string; version?: number };

export interface PlanOptions {
  /** Delete groups (rows) and nodes missing from the document, for each section the document has. */
  prune?: boolean;
}

type CurrentNode = InventoryState['nodes'][number];

/**
 * Changes in a safe order: site; group creates/updates; node deletes; nodes releasing MACs that other nodes take
 * (so a MAC can move, or two nodes swap MACs, without tripping uniqueness); node creates/updates; group deletes.
 * A MAC claimed by a node the document keeps elsewhere is a conflict found here, not halfway through applying.
 * `doc` must come from validateInventoryDoc.
 */
export function planApply(doc: InventoryDoc, current: InventoryState, opts: PlanOptions = {}): Change[] {
  const changes: Change[] = [];
  if (doc.site) {
    const diff = diffAttrs(current.site.attrs, doc.site.attrs);
    if (diff.length) changes.push({ action: 'update', kind: 'site', name: 'site', attrs: doc.site.attrs, diff });
  }
  const groups = new Map(current.groups.map((g) => [g.name, g]));
  for (const g of sortByName(doc.groups ?? [])) {
    const cur = groups.get(g.name);
    if (!cur) changes.push({ action: 'create', kind: 'group', name: g.name, group: g, diff: diffAttrs({}, g.attrs ?? {}) });
    else if (g.attrs) {
      const diff = diffAttrs(cur.attrs, g.attrs);
      if (diff.length) changes.push({ action: 'update', kind: 'group', name: g.name, patch: { attrs: g.attrs }, diff, ...version(cur) });
    }
  }
  const nodes = new Map(current.nodes.map((n) => [n.name, n]));
  const wanted = new Map((doc.nodes ?? []).map((n) => [n.name, n]));
  const pruneNodes = opts.prune && doc.nodes ? sortByName(current.nodes.filter((n) => !wanted.has(n.name))) : [];
  for (const n of pruneNodes) changes.push({ action: 'delete', kind: 'node', name: n.name, ...version(n) });
  const finalMacs = macOwners(current.nodes, doc.nodes ?? [], new Set(pruneNodes.map((n) => n.name)));
  const desired = sortByName(doc.nodes ?? []);
  const released = new Set<string>();
  for (const n of desired) {
    const cur = nodes.get(n.name);
    const keep = cur && n.macs ? cur.macs.filter((m) => n.macs?.includes(m) || finalMacs.get(m) === n.name) : undefined;
    if (cur && keep && keep.length < cur.macs.length && cur.macs.some((m) => finalMacs.has(m) && finalMacs.get(m) !== n.name)) {
      const reason = 'release MACs that other nodes take';
      changes.push({ action: 'update', kind: 'node', name: n.name, patch: { macs: keep }, diff: diffList('macs', cur.macs, keep), reason, ...version(cur) });
      released.add(n.name);
    }
  }
  for (const n of desired) {
    const cur = nodes.get(n.name);
    if (!cur) changes.push({ action: 'create', kind: 'node', name: n.name, node: n, diff: nodeDiff(undefined, n) });
    else {
      const diff = nodeDiff(cur, n);
      // After a release the version has moved on; the release already checked it, so the second change carries none.
      const v = released.has(n.name) ? {} : version(cur);
      if (diff.length) changes.push({ action: 'update', kind: 'node', name: n.name, patch: nodePatch(cur, n), diff, ...v });
    }
  }
  if (opts.prune && doc.groups) {
    const keep = new Set(doc.groups.map((g) => g.name));
    for (const g of sortByName(current.groups.filter((g) => !keep.has(g.name)))) changes.push({ action: 'delete', kind: 'group', name: g.name, ...version(g) });
  }
  return changes;
}

const sortByName = <T extends { name: string }>(list: readonly T[]): T[] => [...list].sort((a, b) => naturalCompare(a.name, b.name));
const version = (e: { version?: number }): { version?: number } => (e.version === undefined ? {} : { version: e.version });

/** Who holds each MAC once the plan is applied; throws conflict if the document takes a MAC a kept node still holds. */
function macOwners(current: readonly CurrentNode[], desired: readonly NewNode[], deleted: ReadonlySet<string>): Map<string, string> {
  const owners = new Map<string, string>();
  const inDoc = new Map(desired.map((n) => [n.name, n]));
  for (const n of current) {
    if (deleted.has(n.name) || inDoc.get(n.name)?.macs) continue; // its MACs are replaced or go away
    for (const m of n.macs) owners.set(m, n.name);
  }
  desired.forEach((n, i) =>
    n.macs?.forEach((m, j) => {
      const holder = owners.get(m);
      if (holder !== undefined && holder !== n.name) {
        throw new DomainError('conflict', `nodes[${i}].macs[${j}]: ${m} stays on node '${holder}', which the document does not change`, { field: `nodes[${i}].macs[${j}]` });
      }
      owners.set(m, n.name);
    }),
  );
  return owners;
}

function nodeDiff(cur: CurrentNode | undefined, n: NewNode): FieldChange[] {
  const diff = [...diffList('macs', cur?.macs ?? [], n.macs), ...diffList('groups', cur?.groups ?? [], n.groups)];
  const bmc = cur?.bmc ?? null;
  if (n.bmc !== undefined && n.bmc !== bmc) diff.push({ field: 'bmc', before: bmc, after: n.bmc });
  if (n.attrs) diff.push(...diffAttrs(cur?.attrs ?? {}, n.attrs));
  return diff;
}

/** Only the fields that differ, each given whole. */
function nodePatch(cur: CurrentNode, n: NewNode): NodePatch {
  const patch: NodePatch = {};
  if (diffList('macs', cur.macs, n.macs).length) patch.macs = n.macs;
  if (diffList('groups', cur.groups, n.groups).length) patch.groups = n.groups;
  if (n.bmc !== undefined && n.bmc !== cur.bmc) patch.bmc = n.bmc;
  if (n.attrs && diffAttrs(cur.attrs, n.attrs).length) patch.attrs = n.attrs;
  return patch;
}
