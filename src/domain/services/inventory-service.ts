// Inventory use cases: validation, noderange resolution, inheritance and events, over the store interfaces.
import type { Attrs, AttrValue, Group, Node, Page, Site } from '../inventory/types.ts';
import type { InventoryRepos, InventoryStore } from '../../store/inventory-store.ts';
import { invalid, notFound } from '../errors.ts';
import type { Actor } from './actor.ts';
import type { NodeView, ViewOptions } from './node-view.ts';
import { expandNames, resolveNoderange } from '../noderange/index.ts';
import { validateAttrs, validateGroupName, validateNewNode, validateNodePatch } from '../inventory/validate.ts';
import { EffectiveResolver } from './effective-resolver.ts';

export interface NodeFields {
  macs?: string[];
  groups?: string[];
  bmc?: string | null;
  /** null deletes the key. */
  attrs?: Record<string, AttrValue | null>;
}

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

export class InventoryService {
  constructor(private readonly store: InventoryStore) {}

  /** Resolves a noderange against the inventory; unknown names or groups are an error naming them. */
  async resolve(range: string, repos: InventoryRepos = this.store): Promise<string[]> {
    const all = await repos.nodes.all();
    return this.resolveIn(range, all);
  }

  private resolveIn(range: string, all: readonly Node[]): string[] {
    const { nodes, unknown } = resolveNoderange(range, { nodes: all });
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
    const all = await this.store.nodes.all();
    let selected: Node[];
    if (q.range) {
      const byName = new Map(all.map((n) => [n.name, n]));
      selected = this.resolveIn(q.range, all).map((name) => byName.get(name)!);
    } else selected = all;
    const items = selected.slice(offset, offset + limit);
    return { items: wantsView ? await this.views(items, q) : items, total: selected.length, offset, limit };
  }

  /** The node owning a MAC, with effective attributes; for boot services. */
  async nodeByMac(mac: string): Promise<NodeView | undefined> {
    const node = await this.store.nodes.findByMac(mac);
    return node && (await this.views([node], { effective: true }))[0];
  }

  async getNode(name: string, view: ViewOptions = {}): Promise<NodeView> {
    const node = await this.store.nodes.get(name);
    if (!node) throw notFound(`node '${name}'`, 'name');
    if (!view.effective && !view.provenance) return node;
    return (await this.views([node], view))[0]!;
  }

  private async views(nodes: Node[], view: ViewOptions): Promise<NodeView[]> {
    const resolver = new EffectiveResolver(await this.store.site.get(), await this.store.groups.all());
    return resolver.views(nodes, view);
  }

  /** nodeadd: one node with MACs, or a range of nodes sharing groups/attributes, in one transaction. */
  async addNodes(range: string, fields: NodeFields, actor: Actor): Promise<Node[]> {
    const names = expandNames(range);
    if ((fields.macs?.length ?? 0) > 0 && names.length > 1)
      throw invalid(`MACs can only be given when adding one node; '${range}' names ${names.length}`, 'macs');
    const inputs = names.map((name) =>
      validateNewNode({ name, macs: fields.macs ?? [], groups: fields.groups ?? [], bmc: fields.bmc ?? null, attrs: withoutNulls(fields.attrs) }),
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
      ...(fields.attrs !== undefined && { attrs: mergeAttrs(node.attrs, fields.attrs) }),
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
    const clean = validateAttrs(withoutNulls(attrs));
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
      const next = validateAttrs(mergeAttrs(g.attrs, attrs));
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
      const next = validateAttrs(mergeAttrs(site.attrs, attrs));
      const updated = await tx.site.set(next, expectedVersion ?? site.version);
      await tx.events.append([{ actor: actor.name, node: null, kind: 'site.updated', details: { from: actor.from, before: site.attrs, after: next } }]);
      return updated;
    });
  }
}

function pick(node: Node, patch: object): Record<string, unknown> {
  return Object.fromEntries(Object.keys(patch).map((k) => [k, node[k as keyof Node]]));
}
