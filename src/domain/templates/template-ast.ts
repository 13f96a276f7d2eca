// The parsed form of a template: statements (text, output, if, for) and logic-light expressions.

/** Every node keeps the 0-based source offset it started at, for errors with line/column. */
export type Expr =
  | { k: 'lit'; value: string | number | boolean | null; pos: number }
  | { k: 'list'; items: Expr[]; pos: number }
  | { k: 'name'; name: string; pos: number }
  /** `a.b` (key is a string literal) or `a[expr]`. */
  | { k: 'member'; obj: Expr; key: Expr; pos: number }
  | { k: 'filter'; name: string; input: Expr; args: Expr[]; pos: number }
  | { k: 'not'; e: Expr; pos: number }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr; pos: number }
  /** `x is defined` / `x is not defined`. */
  | { k: 'defined'; e: Expr; negate: boolean; pos: number };

/** Where an expression starts in the source (a member or filter node's own position is its `.` or filter name). */
export function exprStart(e: Expr): number {
  if (e.k === 'member') return exprStart(e.obj);
  if (e.k === 'filter') return exprStart(e.input);
  if (e.k === 'bin') return exprStart(e.l);
  if (e.k === 'defined') return exprStart(e.e);
  return e.pos;
}

export type BinOp = 'and' | 'or' | '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in' | '~';

export type Stmt =
  | { k: 'text'; value: string }
  | { k: 'output'; e: Expr; pos: number }
  | { k: 'if'; branches: { cond: Expr; body: Stmt[] }[]; otherwise: Stmt[] | null; pos: number }
  | { k: 'for'; name: string; iter: Expr; body: Stmt[]; pos: number };

export interface Template {
  body: Stmt[];
}

/** Limits that keep a hostile or broken template from exhausting memory, stack or time. */
export interface TemplateLimits {
  /** Longest accepted source, in characters. */
  maxSourceLength: number;
  /** Longest output (and longest intermediate string or list), in characters/items. */
  maxOutputLength: number;
  /** Loop iterations per render, summed over every loop. */
  maxIterations: number;
  /** Deepest nesting of expressions and of blocks; keeps recursion far from the stack limit. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: Readonly<TemplateLimits> = Object.freeze({
  maxSourceLength: 256 * 1024,
  maxOutputLength: 1024 * 1024,
  maxIterations: 100_000,
  maxDepth: 64,
});
