// Prints a noderange AST back to canonical text (no spaces); parsing the output gives the same AST.
import type { NoderangeAst, Operand } from './noderange-ast.ts';

export function printNoderange(ast: NoderangeAst): string {
  return ast.terms.map((t) => (t.exclude ? '-' : '') + t.operands.map(printOperand).join('@')).join(',');
}

export function printOperand(op: Operand): string {
  switch (op.kind) {
    case 'all':
      return 'all';
    case 'name':
      return op.name;
    case 'dash':
      return op.text;
    case 'regex':
      return `/${op.source}/`;
    case 'pattern':
      return op.segments
        .map((s) => ('text' in s ? s.text : `[${s.ranges.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(',')}]`))
        .join('');
  }
}
