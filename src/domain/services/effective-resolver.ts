// Turns nodes into NodeViews with effective attributes and provenance, preparing site and group layers once per call.
import type { Group, Node, Site } from '../inventory/types.ts';
import { effectiveAttrsBulk, plainAttrs, type EffectiveAttrs } from '../inventory/effective-attrs.ts';
import type { NodeView, ViewOptions } from './node-view.ts';

export class EffectiveResolver {
  private readonly groups: ReadonlyMap<string, Group>;

  constructor(private readonly site: Site, groups: readonly Group[]) {
    this.groups = new Map(groups.map((g) => [g.name, g]));
  }

  effective(nodes: readonly Node[]): Map<string, EffectiveAttrs> {
    return effectiveAttrsBulk(nodes, this.groups, this.site);
  }

  views(nodes: readonly Node[], view: ViewOptions): NodeView[] {
    const all = this.effective(nodes);
    return nodes.map((n) => {
      const e = all.get(n.name)!;
      return {
        ...n,
        ...(view.effective && { effective: plainAttrs(e) }),
        ...(view.provenance && { provenance: e.values as NodeView['provenance'] }),
        ...(view.provenance && Object.keys(e.absent).length > 0 && { absent: e.absent }),
      };
    });
  }
}
