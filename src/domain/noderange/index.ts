// The noderange module's public surface: parse, print, expand new names, resolve against the inventory.
export type { NoderangeAst, Term, Operand, NumRange, Segment } from './noderange-ast.ts';
export { MAX_RANGE_NAMES, MAX_REGEX_LENGTH, MAX_NODERANGE_LENGTH } from './noderange-ast.ts';
export { naturalCompare } from './natural-compare.ts';
export { parseNoderange } from './noderange-parser.ts';
export { printNoderange } from './noderange-printer.ts';
export { expandNames, type ExpandOptions } from './expand-names.ts';
export { resolveNoderange, type ResolvedNoderange } from './resolve-noderange.ts';
export { NoderangeIndex, type NoderangeUniverse } from './noderange-index.ts';
export { compileSafeRegex, type RegexProblem } from './regex-guard.ts';
