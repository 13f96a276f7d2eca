// What callers see of a node: its own fields plus, on request, effective attributes and where each came from.
import type { AttrValue, Node } from '../inventory/types.ts';

export type Provenance = { kind: 'site' } | { kind: 'group'; name: string } | { kind: 'node' };

export interface EffectiveValue {
  value: AttrValue;
  from: Provenance;
  /** The xCAT-style expression the value was computed from, when it was. */
  computed?: string;
}

export interface NodeView extends Node {
  effective?: Record<string, AttrValue>;
  provenance?: Record<string, EffectiveValue>;
  /** Computed attributes that give nothing for this node (regex did not match…), with the reason. */
  absent?: Record<string, { from: Provenance; computed: string; reason: string }>;
}

export interface ViewOptions {
  effective?: boolean;
  provenance?: boolean;
}
