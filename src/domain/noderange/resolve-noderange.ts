// Evaluates a noderange against existing nodes and groups: left-to-right union/exclusion, '@' intersection.
import type { Operand } from './noderange-ast.ts';
import { NoderangeIndex, type NoderangeUniverse } from './noderange-index.ts';
import { parseNoderange } from './noderange-parser.ts';
import { compileSafeRegex } from './regex-guard.ts';
import { dashNames, patternNames } from './word-operand.ts';

export interface ResolvedNoderange {
  /** Matching existing nodes, de-duplicated, in natural order. */
  nodes: string[];
  /** Names that are neither a node nor a group, in order of first appearance (the caller decides to fail). */
  unknown: string[];
}

/**
 * Resolves `text` to existing node names. Terms are applied left to right as in xCAT: `all,-rack2` adds all
 * nodes then removes rack2's members; `-n05,rack1` removes n05 from nothing, then adds rack1 (n05 included).
 * A name that is both a node and a group stands for the node and the group's members.
 * Pass a NoderangeIndex (built once) when resolving many ranges against the same inventory.
 */
export function resolveNoderange(text: string, universe: NoderangeUniverse | NoderangeIndex): ResolvedNoderange {
  const index = universe instanceof NoderangeIndex ? universe : new NoderangeIndex(universe);
  const ast = parseNoderange(text);
  const unknown = new Set<string>();
  const result = new Set<string>();
  for (const term of ast.terms) {
    let set = operandNodes(term.operands[0] as Operand, index, unknown);
    for (const op of term.operands.slice(1)) set = intersect(set, operandNodes(op, index, unknown));
    if (term.exclude) for (const n of set) result.delete(n);
    else for (const n of set) result.add(n);
  }
  return { nodes: index.inOrder(result), unknown: [...unknown] };
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Set<string>();
  for (const n of small) if (large.has(n)) out.add(n);
  return out;
}

function operandNodes(op: Operand, index: NoderangeIndex, unknown: Set<string>): Set<string> {
  switch (op.kind) {
    case 'all':
      return new Set(index.ordered);
    case 'regex': {
      const re = compileSafeRegex(op.source) as RegExp; // the parser already refused bad ones
      return new Set(index.ordered.filter((n) => re.test(n)));
    }
    case 'name':
      return namesToNodes([op.name], index, unknown);
    case 'pattern':
      return namesToNodes(patternNames(op), index, unknown);
    case 'dash':
      // xCAT tries the literal first: a node or group really called `a-1-a-3` wins over the range.
      if (index.isNode(op.text) || index.members.has(op.text)) return namesToNodes([op.text], index, unknown);
      return namesToNodes(dashNames(op), index, unknown);
  }
}

function namesToNodes(names: readonly string[], index: NoderangeIndex, unknown: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const members = index.members.get(name);
    const isNode = index.isNode(name);
    if (isNode) out.add(name);
    if (members) for (const m of members) out.add(m);
    if (!isNode && !members) unknown.add(name);
  }
  return out;
}
