// Attribute inheritance with provenance: site <- the node's groups in order <- the node, computed values evaluated.
import { ComputedCache, evaluateComputed, isComputed } from './computed-value.ts';
import type { AttrValue, Attrs } from './types.ts';
import { checkAttrValue } from './validate-attrs.ts';

export type AttrSource = { kind: 'site' } | { kind: 'group'; name: string } | { kind: 'node' };

/** An attribute's effective value, the layer it came from, and the expression if it was computed. */
export interface EffectiveAttr {
  readonly value: AttrValue;
  readonly from: AttrSource;
  readonly computed?: string;
}

/** A computed value that gives nothing for this node: the regex did not match, arithmetic or type check failed. */
export interface AbsentAttr {
  readonly from: AttrSource;
  readonly computed: string;
  readonly reason: string;
}

/**
 * `values` holds what the node really has. `absent` lists keys whose winning layer holds a computed value that
 * gives nothing for this node; lower layers do not show through (the winning layer decided, and said "nothing").
 */
export interface EffectiveAttrs {
  values: Record<string, EffectiveAttr>;
  absent: Record<string, AbsentAttr>;
}

export interface InheritingNode {
  name: string;
  groups: readonly string[];
  attrs: Attrs;
}
export type GroupAttrs = { readonly attrs: Attrs };
export type GroupsByName = ReadonlyMap<string, GroupAttrs>;

const SITE: AttrSource = Object.freeze({ kind: 'site' });
const NODE: AttrSource = Object.freeze({ kind: 'node' });

/** One candidate per key: its raw value and source; `eff` is the ready answer when the value is not computed. */
interface Candidate {
  raw: AttrValue;
  from: AttrSource;
  eff?: EffectiveAttr;
}

/** A layer's attributes as ready candidates; built once per layer and reused for every node. */
function layerCandidates(attrs: Attrs, from: AttrSource): [string, Candidate][] {
  const out: [string, Candidate][] = [];
  for (const k in attrs) {
    const raw = attrs[k] as AttrValue;
    out.push([k, isComputed(raw) ? { raw, from } : { raw, from, eff: Object.freeze({ value: raw, from }) }]);
  }
  return out;
}

/** Reuses each group's candidates across group lists; groups without a row contribute nothing. */
class LayerTable {
  private readonly byGroup = new Map<string, [string, Candidate][] | null>();
  readonly site: [string, Candidate][];

  constructor(
    private readonly groupsByName: GroupsByName,
    site: GroupAttrs,
  ) {
    this.site = layerCandidates(site.attrs, SITE);
  }

  group(name: string): [string, Candidate][] | null {
    let layer = this.byGroup.get(name);
    if (layer === undefined) {
      const row = this.groupsByName.get(name);
      layer = row ? layerCandidates(row.attrs, Object.freeze({ kind: 'group', name })) : null;
      this.byGroup.set(name, layer);
    }
    return layer;
  }
}

function resolveComputed(out: EffectiveAttrs, key: string, c: Candidate, nodeName: string, cache: ComputedCache): void {
  const expression = c.raw as string;
  let result;
  try {
    result = evaluateComputed(cache.get(expression, key), nodeName);
  } catch (e) {
    // Stored before a rule tightened, or written around validation: report, never throw for one bad row.
    out.absent[key] = { from: c.from, computed: expression, reason: (e as Error).message };
    return;
  }
  if ('absent' in result) {
    out.absent[key] = { from: c.from, computed: expression, reason: result.absent };
    return;
  }
  const problem = checkAttrValue(key, result.value);
  if (problem) out.absent[key] = { from: c.from, computed: expression, reason: `computed ${problem}` };
  else out.values[key] = { value: result.value, from: c.from, computed: expression };
}

/** Walks layers strongest first (node, its groups from last to first, site): the first to define a key wins. */
function finish(node: InheritingNode, layers: LayerTable, cache: ComputedCache): EffectiveAttrs {
  const out: EffectiveAttrs = { values: {}, absent: {} };
  const own = node.attrs;
  for (const k in own) {
    const raw = own[k] as AttrValue;
    if (isComputed(raw)) resolveComputed(out, k, { raw, from: NODE }, node.name, cache);
    else out.values[k] = { value: raw, from: NODE };
  }
  for (let i = node.groups.length; i >= 0; i--) {
    // i > 0 is group i-1 (groups last to first); i === 0 is the site.
    const layer = i === 0 ? layers.site : layers.group(node.groups[i - 1] as string);
    if (!layer) continue;
    for (let j = 0; j < layer.length; j++) {
      const [k, c] = layer[j] as [string, Candidate];
      if (out.values[k] !== undefined || out.absent[k] !== undefined) continue;
      if (c.eff) out.values[k] = c.eff;
      else resolveComputed(out, k, c, node.name, cache);
    }
  }
  return out;
}

/** Effective attributes of one node. Pass a ComputedCache to reuse compiled expressions across calls. */
export function effectiveAttrs(node: InheritingNode, groupsByName: GroupsByName, site: GroupAttrs, cache = new ComputedCache()): EffectiveAttrs {
  return finish(node, new LayerTable(groupsByName, site), cache);
}

/**
 * Effective attributes of many nodes, keyed by node name. Each layer is prepared once (not once per node) and
 * each distinct expression compiled once, so the cost per node is walking the keys of its layers.
 * The EffectiveAttr objects of inherited plain values are shared between nodes and frozen.
 */
export function effectiveAttrsBulk(nodes: readonly InheritingNode[], groupsByName: GroupsByName, site: GroupAttrs): Map<string, EffectiveAttrs> {
  const cache = new ComputedCache();
  const layers = new LayerTable(groupsByName, site);
  const out = new Map<string, EffectiveAttrs>();
  for (const node of nodes) out.set(node.name, finish(node, layers, cache));
  return out;
}

/** Just the values, for consumers that do not care where they came from (boot templates, DHCP). */
export function plainAttrs(e: EffectiveAttrs): Attrs {
  const out: Attrs = {};
  for (const k in e.values) out[k] = (e.values[k] as EffectiveAttr).value;
  return out;
}
