// A read-only copy of the whole inventory with the indexes reads need, reloaded only when the store's generation moves.
import type { Group, Node, Site } from '../inventory/types.ts';
import type { InventoryStore } from '../../store/inventory-store.ts';
import { NoderangeIndex } from '../noderange/index.ts';
import { effectiveAttrsBulk, plainAttrs, type EffectiveAttrs } from '../inventory/effective-attrs.ts';
import type { NodeView, ViewOptions } from './node-view.ts';

export class InventorySnapshot {
  readonly byName: ReadonlyMap<string, Node>;
  #index: NoderangeIndex | undefined;
  #byMac: Map<string, Node> | undefined;
  #effective: Map<string, EffectiveAttrs> | undefined;
  #reserved: Set<string> | undefined;

  constructor(readonly generation: number, readonly site: Site, readonly groups: readonly Group[], readonly nodes: readonly Node[]) {
    this.byName = new Map(nodes.map((n) => [n.name, n]));
  }

  get index(): NoderangeIndex {
    return (this.#index ??= new NoderangeIndex({ nodes: this.nodes }));
  }

  nodeByMac(mac: string): Node | undefined {
    this.#byMac ??= new Map(this.nodes.flatMap((n) => n.macs.map((m) => [m, n] as const)));
    return this.#byMac.get(mac);
  }

  /** Effective attributes of every node, computed once per snapshot (inheritance + computed values). */
  get effective(): ReadonlyMap<string, EffectiveAttrs> {
    return (this.#effective ??= effectiveAttrsBulk(this.nodes, new Map(this.groups.map((g) => [g.name, g])), this.site));
  }

  /** Every address some node holds as its effective `ip`: never handed to anyone else by DHCP. */
  get reservedIps(): ReadonlySet<string> {
    if (!this.#reserved) {
      this.#reserved = new Set();
      for (const e of this.effective.values()) {
        const ip = e.values.ip?.value;
        if (typeof ip === 'string') this.#reserved.add(ip);
      }
    }
    return this.#reserved;
  }

  view(node: Node, view: ViewOptions): NodeView {
    if (!view.effective && !view.provenance) return node;
    const e = this.effective.get(node.name)!;
    // Object.assign, not `{ ...node, ...extra }`: spreading new keys after a spread takes V8's slow path on Node 20
    // (docs/architecture.md); a DHCP reservation lookup and every row of a node listing come through here.
    return Object.assign(
      {},
      node,
      view.effective ? { effective: plainAttrs(e) } : undefined,
      view.provenance ? { provenance: e.values as NodeView['provenance'] } : undefined,
      view.provenance && Object.keys(e.absent).length > 0 ? { absent: e.absent } : undefined,
    );
  }
}

/** Hands out the current snapshot; one reload at a time however many readers ask while it runs. */
export class SnapshotCache {
  #current: InventorySnapshot | undefined;
  #loading: Promise<InventorySnapshot> | undefined;

  constructor(private readonly store: InventoryStore) {}

  async get(): Promise<InventorySnapshot> {
    const generation = await this.store.generation();
    if (this.#current && this.#current.generation === generation) return this.#current;
    this.#loading ??= this.load(generation).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  private async load(generation: number): Promise<InventorySnapshot> {
    // The generation is read before the data: a change in between only makes the next read reload again.
    const [site, groups, nodes] = await Promise.all([this.store.site.get(), this.store.groups.all(), this.store.nodes.all()]);
    const snap = new InventorySnapshot(generation, site, groups, nodes);
    this.#current = snap;
    return snap;
  }
}
