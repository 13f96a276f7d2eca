// Precomputed lookups over the existing nodes (natural order, group members) so noderanges resolve fast.
import { naturalCompare } from './natural-compare.ts';

/** What a noderange is resolved against: every node with its group list (groups are implicit, as in xCAT). */
export interface NoderangeUniverse {
  nodes: readonly { name: string; groups: readonly string[] }[];
}

/** Build once per inventory snapshot and reuse across many `resolveNoderange` calls. */
export class NoderangeIndex {
  /** Every node name, in natural order. */
  readonly ordered: readonly string[];
  /** Node name -> its position in `ordered`. */
  readonly rank: ReadonlyMap<string, number>;
  /** Group name -> member node names (the union of the nodes' group lists). */
  readonly members: ReadonlyMap<string, readonly string[]>;

  constructor(universe: NoderangeUniverse) {
    const ordered = universe.nodes.map((n) => n.name).sort(naturalCompare);
    const rank = new Map<string, number>();
    ordered.forEach((name, i) => rank.set(name, i));
    const members = new Map<string, string[]>();
    for (const node of universe.nodes) {
      for (const g of node.groups) {
        const list = members.get(g);
        if (list) list.push(node.name);
        else members.set(g, [node.name]);
      }
    }
    this.ordered = ordered;
    this.rank = rank;
    this.members = members;
  }

  isNode(name: string): boolean {
    return this.rank.has(name);
  }

  /** Nodes in `set`, in natural order; cheaper than sorting when the set is a large share of all nodes. */
  inOrder(set: ReadonlySet<string>): string[] {
    if (set.size * 16 >= this.ordered.length) return this.ordered.filter((n) => set.has(n));
    const rank = this.rank;
    return [...set].sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
  }
}
