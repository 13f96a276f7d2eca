// A tiny, safe integer expression language for computed values: ($1*2+100). Hand-written parser, no eval.

export type Expr =
  | { op: 'num'; value: number }
  | { op: 'capture'; index: number }
  | { op: 'neg'; arg: Expr }
  | { op: '+' | '-' | '*' | '/' | '%'; left: Expr; right: Expr };

/** Thrown for a syntax error; `offset` is 0-based inside the expression text. */
export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Grammar: expr := term (('+'|'-') term)*; term := unary (('*'|'/'|'%') unary)*;
 * unary := ('-'|'+') unary | INT | '$'[1-9] | '(' expr ')'. Spaces are allowed between tokens.
 */
export function parseExpr(src: string): Expr {
  let i = 0;
  const skip = (): void => {
    while (src[i] === ' ') i++;
  };
  const fail = (what: string): never => {
    throw new ExprSyntaxError(i >= src.length ? `${what} at end of expression` : `${what}, found '${src[i]}'`, i);
  };
  const expr = (depth: number): Expr => {
    if (depth > 32) fail('expression nested too deeply');
    let left = term(depth);
    for (skip(); src[i] === '+' || src[i] === '-'; skip()) {
      const op = src[i++] as '+' | '-';
      left = { op, left, right: term(depth) };
    }
    return left;
  };
  const term = (depth: number): Expr => {
    let left = unary(depth);
    for (skip(); src[i] === '*' || src[i] === '/' || src[i] === '%'; skip()) {
      const op = src[i++] as '*' | '/' | '%';
      left = { op, left, right: unary(depth) };
    }
    return left;
  };
  const unary = (depth: number): Expr => {
    skip();
    const c = src[i];
    if (c === '-' || c === '+') {
      i++;
      if (depth > 32) fail('expression nested too deeply');
      const arg = unary(depth + 1);
      return c === '-' ? { op: 'neg', arg } : arg;
    }
    if (c === '(') {
      i++;
      const inner = expr(depth + 1);
      skip();
      if (src[i] !== ')') fail("expected ')'");
      i++;
      return inner;
    }
    if (c === '$') {
      const d = src[i + 1] ?? '';
      if (!/^[1-9]$/.test(d)) fail("expected $1..$9 after '$'");
      i += 2;
      return { op: 'capture', index: Number(d) };
    }
    const m = /^\d{1,15}/.exec(src.slice(i, i + 16));
    if (!m) fail('expected a number, $1..$9 or (');
    i += (m as RegExpExecArray)[0].length;
    return { op: 'num', value: Number((m as RegExpExecArray)[0]) };
  };
  const e = expr(0);
  skip();
  if (i < src.length) fail('unexpected character');
  return e;
}

/** An optionally signed decimal integer of at most 15 digits, or undefined. Hand-rolled: it runs per node. */
function parseDecimal(s: string): number | undefined {
  const sign = s.charCodeAt(0) === 45 ? -1 : 1;
  let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
  if (i === s.length || s.length - i > 15) return undefined;
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return sign * n + 0;
}

/** Highest capture number the expression uses (0 if none). */
export function maxCapture(e: Expr): number {
  switch (e.op) {
    case 'num':
      return 0;
    case 'capture':
      return e.index;
    case 'neg':
      return maxCapture(e.arg);
    default:
      return Math.max(maxCapture(e.left), maxCapture(e.right));
  }
}

/**
 * Evaluates with integer semantics as xCAT (Perl) does: `/` truncates toward zero like Perl's int(a/b);
 * `%` takes the sign of the right operand like Perl's %. Captures must be decimal integers. Returns the
 * number, or a string saying why there is none (division by zero, non-numeric capture, overflow).
 */
export function evaluateExpr(e: Expr, captures: readonly (string | undefined)[]): number | string {
  switch (e.op) {
    case 'num':
      return e.value;
    case 'capture': {
      const s = captures[e.index];
      if (s === undefined) return `$${e.index} did not capture anything`;
      const n = parseDecimal(s);
      return n ?? `$${e.index} is '${s}', not an integer`;
    }
    case 'neg': {
      const v = evaluateExpr(e.arg, captures);
      return typeof v === 'string' ? v : 0 - v; // 0 - v, not -v: no negative zero
    }
    default: {
      const a = evaluateExpr(e.left, captures);
      if (typeof a === 'string') return a;
      const b = evaluateExpr(e.right, captures);
      if (typeof b === 'string') return b;
      if ((e.op === '/' || e.op === '%') && b === 0) return 'division by zero';
      const r =
        e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : e.op === '/' ? Math.trunc(a / b) : a - b * Math.floor(a / b);
      return Number.isSafeInteger(r) ? r + 0 : 'result is too large';
    }
  }
}
