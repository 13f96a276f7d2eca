// Inventory use cases: validation, noderange resolution, inheritance and events, over the store interfaces.
import type { Attrs, AttrValue, Group, Node, Page, Site } from '../inventory/types.ts';
import type { InventoryRepos, InventoryStore } from '../../store/inventory-store.ts';
import { invalid, notFound } from '../errors.ts';
import type { Actor } from './actor.ts';
import type { NodeView, ViewOptions } from './node-view.ts';
import { expandNames, resolveNoderange } from '../noderange/index.ts';
import { validateAttrs, validateGroupName, validateNewNode, validateNodePatch } from '../inventory/validate.ts';
import { SnapshotCache } from './inventory-snapshot.ts';
import { NoderangeIndex } from '../noderange/index.ts';

export interface NodeFields {
  macs?: string[];
  groups?: string[];
  bmc?: string | null;
  /** null deletes the key. */
  attrs?: Record<string, AttrValue | null>;
}

/** Seals secret attributes (bmc.password) before they are stored; given the stored attributes (undefined = new). */
export interface AttrSealer {
  seal(next: Attrs, current: Attrs | undefined): Attrs;
}
const NO_SEALER: AttrSealer = { seal: (next) => next };

export interface PageQuery {
  offset?: number;
  limit?: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 100_000;

function window(q: PageQuery): { offset: number; limit: number } {
  const offset = q.offset ?? 0;
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset must be a non-negative integer', 'offset');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`limit must be between 1 and ${MAX_LIMIT}`, 'limit');
  return { offset, limit };
}

/** Applies an attribute patch where null deletes a key. */
export function mergeAttrs(current: Attrs, patch: Record<string, AttrValue | null> | undefined): Attrs {
  if (!patch) return current;
  const out: Attrs = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

const withoutNulls = (attrs: Record<string, AttrValue | null> | undefined): Attrs => mergeAttrs({}, attrs);

export interface BootInventoryView {
  nodeByMac(mac: string): NodeView | undefined;
  readonly reservedIps: ReadonlySet<string>;
}

export class InventoryService {
  private readonly snapshots: SnapshotCache;

  constructor(
    private readonly store: InventoryStore,
    private readonly secrets: AttrSealer = NO_SEALER,
  ) {
    this.snapshots = new SnapshotCache(store);
  }

  /** The inventory's current generation: moves on every change, by any writer. */
  async generation(): Promise<number> {
    return (await this.snapshots.get()).generation;
  }

  /** Resolves a noderange against the inventory; unknown names or groups are an error naming them. */
  async resolve(range: string, tx?: InventoryRepos): Promise<string[]> {
    return this.resolveIn(range, tx ? await tx.nodes.all() : (await this.snapshots.get()).index);
  }

  /** Like resolve, but names that match nothing (a removed node) are kept: for reading history. */
  async resolveLenient(range: string): Promise<string[]> {
    const { nodes, unknown } = resolveNoderange(range, (await this.snapshots.get()).index);
    return [...nodes, ...unknown];
  }

  private resolveIn(range: string, all: readonly Node[] | NoderangeIndex): string[] {
    const { nodes, unknown } = resolveNoderange(range, all instanceof NoderangeIndex ? all : { nodes: all });
    if (unknown.length) throw invalid(`noderange '${range}': no node or group named ${unknown.map((u) => `'${u}'`).join(', ')}`, 'noderange', { unknown });
    return nodes;
  }

  async listNodes(q: PageQuery & ViewOptions & { range?: string }): Promise<Page<NodeView>> {
    const { offset, limit } = window(q);
    const wantsView = q.effective || q.provenance;
    if (!q.range && !wantsView) {
      const page = await this.store.nodes.list({ offset, limit });
      return page;
    }
    const snap = await this.snapshots.get();
    const names = q.range ? this.resolveIn(q.range, snap.index) : snap.index.ordered;
    const items = names.slice(offset, offset + limit).map((name) => snap.view(snap.byName.get(name)!, q));
    return { items, total: names.length, offset, limit };
  }

  /** The node owning a MAC, with effective attributes; for boot services (hot path: served from the snapshot). */
  async nodeByMac(mac: string): Promise<NodeView | undefined> {
    return (await this.bootView()).nodeByMac(mac);
  }

  /** The inventory as a DHCP decision reads it, from one snapshot (one generation read): the node owning a MAC, with
   *  effective attributes, and the addresses reserved for known nodes. */
  async bootView(): Promise<BootInventoryView> {
    const snap = await this.snapshots.get();
    return {
      nodeByMac: (mac) => {
        const node = snap.nodeByMac(mac);
        return node && snap.view(node, { effective: true });
      },
      reservedIps: snap.reservedIps,
    };
  }

  /** Addresses reserved for known nodes (their effective ip), which DHCP never gives to anyone else. */
  async reservedIps(): Promise<ReadonlySet<string>> {
    return (await this.bootView()).reservedIps;
  }

  async getNode(name: string, view: ViewOptions = {}): Promise<NodeView> {
    if (!view.effective && !view.provenance) {
      const node = await this.store.nodes.get(name);
      if (!node) throw notFound(`node '${name}'`, 'name');
      return node;
    }
    const snap = await this.snapshots.get();
    const node = snap.byName.get(name);
    if (!node) throw notFound(`node '${name}'`, 'name');
    return snap.view(node, view);
  }

  /** nodeadd: one node with MACs, or a range of nodes sharing groups/attributes, in one transaction. */
  async addNodes(range: string, fields: NodeFields, actor: Actor): Promise<Node[]> {
    const names = expandNames(range);
    if ((fields.macs?.length ?? 0) > 0 && names.length > 1)
      throw invalid(`MACs can only be given when adding one node; '${range}' names ${names.length}`, 'macs');
    const inputs = names.map((name) =>
      validateNewNode({ name, macs: fields.macs ?? [], groups: fields.groups ?? [], bmc: fields.bmc ?? null, attrs: this.secrets.seal(withoutNulls(fields.attrs), undefined) }),
    );
    return this.store.transaction(async (tx) => {
      const created: Node[] = [];
      for (const input of inputs) created.push(await tx.nodes.create(input));
      await tx.events.append(created.map((n) => ({ actor: actor.name, node: n.name, kind: 'node.created', details: { from: actor.from, macs: n.macs, groups: n.groups, attrs: n.attrs } })));
      return created;
    });
  }

  async updateNode(name: string, fields: NodeFields, actor: Actor, expectedVersion?: number): Promise<Node> {
    return this.store.transaction(async (tx) => {
      const node = await tx.nodes.get(name);
      if (!node) throw notFound(`node '${name}'`, 'name');
      return this.applyNodePatch(tx, node, fields, actor, expectedVersion ?? node.version);
    });
  }

  /** nodech over a noderange: all nodes change or none does. */
  async updateNodes(range: string, fields: NodeFields, actor: Actor): Promise<Node[]> {
    if (fields.macs !== undefined) throw invalid('MACs are per node: change them on one node, not a range', 'macs');
    return this.store.transaction(async (tx) => {
      const all = await tx.nodes.all();
      const byName = new Map(all.map((n) => [n.name, n]));
      const out: Node[] = [];
      for (const name of this.resolveIn(range, all)) out.push(await this.applyNodePatch(tx, byName.get(name)!, fields, actor, byName.get(name)!.version));
      return out;
    });
  }

  private async applyNodePatch(tx: InventoryRepos, node: Node, fields: NodeFields, actor: Actor, expectedVersion: number): Promise<Node> {
    const patch = validateNodePatch({
      ...(fields.macs !== undefined && { macs: fields.macs }),
      ...(fields.groups !== undefined && { groups: fields.groups }),
      ...(fields.bmc !== undefined && { bmc: fields.bmc }),
      ...(fields.attrs !== undefined && { attrs: this.secrets.seal(mergeAttrs(node.attrs, fields.attrs), node.attrs) }),
    });
    const updated = await tx.nodes.update(node.name, patch, expectedVersion);
    await tx.events.append([{ actor: actor.name, node: node.name, kind: 'node.updated', details: { from: actor.from, before: pick(node, patch), after: pick(updated, patch) } }]);
    return updated;
  }

  async removeNodes(range: string, actor: Actor): Promise<string[]> {
    return this.store.transaction(async (tx) => {
      const names = await this.resolve(range, tx);
      for (const name of names) await tx.nodes.remove(name);
      await tx.events.append(names.map((name) => ({ actor: actor.name, node: name, kind: 'node.removed', details: { from: actor.from } })));
      return names;
    });
  }

  async removeNode(name: string, actor: Actor, expectedVersion?: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.nodes.remove(name, expectedVersion);
      await tx.events.append([{ actor: actor.name, node: name, kind: 'node.removed', details: { from: actor.from } }]);
    });
  }

  listGroups(q: PageQuery): Promise<Page<Group>> {
    return this.store.groups.list(window(q));
  }

  async getGroup(name: string): Promise<Group> {
    const g = await this.store.groups.get(name);
    if (!g) throw notFound(`group '${name}'`, 'name');
    return g;
  }

  async addGroup(name: string, attrs: Record<string, AttrValue | null> | undefined, actor: Actor): Promise<Group> {
    validateGroupName(name);
    const clean = validateAttrs(this.secrets.seal(withoutNulls(attrs), undefined));
    return this.store.transaction(async (tx) => {
      const g = await tx.groups.create({ name, attrs: clean });
      await tx.events.append([{ actor: actor.name, node: null, kind: 'group.created', details: { from: actor.from, group: name, attrs: clean } }]);
      return g;
    });
  }

  async updateGroup(name: string, attrs: Record<string, AttrValue | null>, actor: Actor, expectedVersion?: number): Promise<Group> {
    return this.store.transaction(async (tx) => {
      const g = await tx.groups.get(name);
      if (!g) throw notFound(`group '${name}'`, 'name');
      const next = validateAttrs(this.secrets.seal(mergeAttrs(g.attrs, attrs), g.attrs));
      const updated = await tx.groups.update(name, { attrs: next }, expectedVersion ?? g.version);
      await tx.events.append([{ actor: actor.name, node: null, kind: 'group.updated', details: { from: actor.from, group: name, before: g.attrs, after: next } }]);
      return updated;
    });
  }

  async removeGroup(name: string, actor: Actor, expectedVersion?: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.groups.remove(name, expectedVersion);
      await tx.events.append([{ actor: actor.name, node: null, kind: 'group.removed', details: { from: actor.from, group: name } }]);
    });
  }

  getSite(): Promise<Site> {
    return this.store.site.get();
  }

  async updateSite(attrs: Record<string, AttrValue | null>, actor: Actor, expectedVersion?: number): Promise<Site> {
    return this.store.transaction(async (tx) => {
      const site = await tx.site.get();
      const next = validateAttrs(this.secrets.seal(mergeAttrs(site.attrs, attrs), site.attrs));
      const updated = await tx.site.set(next, expectedVersion ?? site.version);
      await tx.events.append([{ actor: actor.name, node: null, kind: 'site.updated', details: { from: actor.from, before: site.attrs, after: next } }]);
      return updated;
    });
  }
}

function pick(node: Node, patch: object): Record<string, unknown> {
  return Object.fromEntries(Object.keys(patch).map((k) => [k, node[k as keyof Node]]));
}
