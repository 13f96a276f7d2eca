// xCAT "regex row" values computed from the node name: |regex|replacement| (with arithmetic) and /regex/replacement/.
import { DomainError } from '../errors.ts';
import { compileSafeRegex } from '../noderange/regex-guard.ts';
import { type Expr, ExprSyntaxError, evaluateExpr, maxCapture, parseExpr } from './arithmetic-expression.ts';
import type { AttrValue } from './types.ts';

export type ReplacementPart = { text: string } | { capture: number } | { expr: Expr };

/** A computed value, compiled once and evaluated per node. */
export interface ComputedValue {
  /** The stored text, e.g. `|node(\d+)|10.0.0.($1+0)|`. */
  expression: string;
  /** `|...|...|` evaluates (arithmetic) in the replacement; `/.../.../` only substitutes captures. */
  arithmetic: boolean;
  regex: RegExp;
  parts: ReplacementPart[];
}

export type ComputedResult = { value: string } | { absent: string };

interface Split {
  delim: '|' | '/';
  regex: string;
  replacement: string;
}

/**
 * A value is computed when it starts and ends with the same delimiter (`|` or `/`) and has exactly one more
 * unescaped delimiter outside regex groups and classes: `/srv/tftp/` is computed, `/srv/tftp` and `/a/b/c/` are not.
 */
export function splitComputed(value: AttrValue): Split | undefined {
  if (typeof value !== 'string' || value.length < 3) return undefined;
  const delim = value[0];
  if ((delim !== '|' && delim !== '/') || value[value.length - 1] !== delim) return undefined;
  let depth = 0;
  let inClass = false;
  let sep = -1;
  for (let i = 1; i < value.length - 1; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (sep >= 0) {
      if (c === delim) return undefined;
    } else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === delim && depth <= 0) sep = i;
  }
  if (sep < 0) return undefined;
  return { delim, regex: value.slice(1, sep), replacement: value.slice(sep + 1, -1) };
}

export const isComputed = (value: AttrValue): value is string => splitComputed(value) !== undefined;

/** Compiles a computed value or throws DomainError invalid naming `field`. */
export function compileComputed(expression: string, field: string): ComputedValue {
  const split = splitComputed(expression);
  const bad = (problem: string): DomainError =>
    new DomainError('invalid', `${field}: computed value '${expression}': ${problem}`, { field, details: { value: expression } });
  if (!split) throw bad('is not of the form |regex|replacement| or /regex/replacement/');
  const regex = compileSafeRegex(split.regex);
  if (!(regex instanceof RegExp)) throw bad(regex.problem);
  const groups = (new RegExp(`(?:${split.regex})|`).exec('') as RegExpExecArray).length - 1;
  const arithmetic = split.delim === '|';
  let parts: ReplacementPart[];
  try {
    parts = parseReplacement(split.replacement, arithmetic);
  } catch (e) {
    if (e instanceof ExprSyntaxError) throw bad(e.message);
    throw e;
  }
  const used = Math.max(0, ...parts.map((p) => ('capture' in p ? p.capture : 'expr' in p ? maxCapture(p.expr) : 0)));
  if (used > groups) throw bad(`uses $${used} but the regex has ${groups} capture group${groups === 1 ? '' : 's'}`);
  return { expression, arithmetic, regex, parts };
}

/** `\x` is a literal x; `$1`..`$9` are captures; in the arithmetic form `( ... )` is an integer expression. */
function parseReplacement(src: string, arithmetic: boolean): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let text = '';
  const flush = (): void => {
    if (text) parts.push({ text });
    text = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\' && i + 1 < src.length) {
      text += src[++i];
    } else if (c === '$' && /[1-9]/.test(src[i + 1] ?? '')) {
      flush();
      parts.push({ capture: Number(src[++i]) });
    } else if (c === '(' && arithmetic) {
      let depth = 1;
      let j = i + 1;
      for (; j < src.length && depth > 0; j++) depth += src[j] === '(' ? 1 : src[j] === ')' ? -1 : 0;
      if (depth > 0) throw new ExprSyntaxError("'(' is never closed", i);
      flush();
      parts.push({ expr: parseExpr(src.slice(i + 1, j - 1)) });
      i = j - 1;
    } else {
      text += c;
    }
  }
  flush();
  return parts;
}

/**
 * Perl s/// on the node name, as xCAT does: the first match is replaced by the rendered replacement and the rest
 * of the name is kept (so `/$/-bmc/` appends). No match means no value for this node.
 */
export function evaluateComputed(c: ComputedValue, nodeName: string): ComputedResult {
  const m = c.regex.exec(nodeName);
  if (!m) return { absent: `regex /${c.regex.source}/ does not match node name '${nodeName}'` };
  let out = '';
  for (const p of c.parts) {
    if ('text' in p) out += p.text;
    else if ('capture' in p) out += m[p.capture] ?? '';
    else {
      const v = evaluateExpr(p.expr, m);
      if (typeof v === 'string') return { absent: `arithmetic failed for node '${nodeName}': ${v}` };
      out += String(v);
    }
  }
  return { value: nodeName.slice(0, m.index) + out + nodeName.slice(m.index + m[0].length) };
}

/** Compiled values by expression text, so a bulk evaluation compiles each distinct expression once. */
export class ComputedCache {
  private readonly compiled = new Map<string, ComputedValue>();

  get(expression: string, field: string): ComputedValue {
    let c = this.compiled.get(expression);
    if (!c) {
      c = compileComputed(expression, field);
      this.compiled.set(expression, c);
    }
    return c;
  }
}
