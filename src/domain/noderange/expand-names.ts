// Purely syntactic expansion of a noderange into new node names, for creating nodes (`nodeadd n[01-20]`).
import type { NoderangeAst, Operand } from './noderange-ast.ts';
import { MAX_RANGE_NAMES } from './noderange-ast.ts';
import { noderangeError, noderangeProblem } from './noderange-error.ts';
import { naturalCompare } from './natural-compare.ts';
import { parseNoderange } from './noderange-parser.ts';
import { printOperand } from './noderange-printer.ts';
import { dashNames, patternNames } from './word-operand.ts';

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const NEEDS_NAMES = 'new nodes need explicit names or ranges such as n[01-20]';

export interface ExpandOptions {
  /** When given, a plain name that is an existing group is refused instead of becoming a new node's name. */
  isGroup?: (name: string) => boolean;
}

/**
 * Expands names and ranges (`n01,n[02-04],r[1-2]n[01-03],m01-m10`) without consulting the
 * inventory. Exclusion of a name or range already listed is allowed (`n[01-10],-n05`); `all`, /regex/, `@` and
 * excluding something never listed (most likely a group) are errors, since groups cannot name nodes that do not
 * exist yet; pass `isGroup` to also refuse a plain name that is a known group. Result: de-duplicated, in natural
 * order.
 */
export function expandNames(text: string, opts: ExpandOptions = {}): string[] {
  const ast: NoderangeAst = parseNoderange(text);
  const names = new Set<string>();
  for (const term of ast.terms) {
    if (term.operands.length > 1) {
      const at = term.operands[1] as Operand;
      throw noderangeError(text, at.pos - 1, `'@' intersects groups; ${NEEDS_NAMES}`);
    }
    const op = term.operands[0] as Operand;
    const list = syntacticNames(text, op);
    if (op.kind === 'name' && opts.isGroup?.(op.name)) throw noderangeError(text, op.pos, `'${op.name}' is a group; ${NEEDS_NAMES}`);
    if (term.exclude) {
      if (!list.some((n) => names.has(n))) {
        throw noderangeError(text, term.pos, `'-${printOperand(op)}' excludes nothing listed before it (a group?); ${NEEDS_NAMES}`);
      }
      for (const n of list) names.delete(n);
    } else {
      for (const n of list) names.add(n);
      if (names.size > MAX_RANGE_NAMES) throw noderangeProblem(text, `more than ${MAX_RANGE_NAMES} names`);
    }
  }
  return [...names].sort(naturalCompare);
}

function syntacticNames(text: string, op: Operand): string[] {
  let list: string[];
  switch (op.kind) {
    case 'all':
      throw noderangeError(text, op.pos, `'all' means existing nodes; ${NEEDS_NAMES}`);
    case 'regex':
      throw noderangeError(text, op.pos, `a /regex/ matches existing nodes; ${NEEDS_NAMES}`);
    case 'name':
      list = [op.name];
      break;
    case 'pattern':
      list = patternNames(op);
      break;
    case 'dash':
      list = dashNames(op);
      break;
  }
  const bad = list.find((n) => !NODE_NAME.test(n));
  if (bad !== undefined) throw noderangeError(text, op.pos, `'${bad}' is not a valid node name (letters, digits, '.', '_', '-'; at most 63 characters)`);
  return list;
}
