// Compiles a user-supplied regex (noderange terms, computed attribute values) after rejecting ReDoS-prone shapes.
import { MAX_REGEX_LENGTH } from './noderange-ast.ts';

/** Why a regex was refused, with the 0-based offset of the fault inside the pattern. */
export interface RegexProblem {
  problem: string;
  offset: number;
}

/**
 * Returns the compiled regex or the problem. The guard is a heuristic, not a proof: it refuses backreferences and
 * any unbounded quantifier applied to a group that itself holds an unbounded quantifier or an alternation
 * (`(a+)+`, `(a*)*`, `(a|aa)+`), the shapes behind catastrophic backtracking. Inputs are node names (at most 63
 * characters), which bounds what remains (polynomial backtracking such as `\d+\d+$`).
 */
export function compileSafeRegex(source: string): RegExp | RegexProblem {
  if (source.length === 0) return { problem: 'empty regex', offset: 0 };
  if (source.length > MAX_REGEX_LENGTH) return { problem: `regex longer than ${MAX_REGEX_LENGTH} characters`, offset: MAX_REGEX_LENGTH };
  const shape = checkShape(source);
  if (shape) return shape;
  try {
    return new RegExp(source);
  } catch (e) {
    return { problem: `invalid regex: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, offset: 0 };
  }
}

interface GroupState {
  unbounded: boolean;
  alternation: boolean;
}

/**
 * Each wide quantifier (`*`, `+`, `{n,}`, `{n,m}` with m - n > 10) can multiply the backtracking work by the name
 * length when its atoms overlap (`a*a*a*$` is O(n^4)). Two keep the worst case near 63^3/6 steps per name.
 */
export const MAX_WIDE_QUANTIFIERS = 2;

function checkShape(src: string): RegexProblem | undefined {
  const stack: GroupState[] = [{ unbounded: false, alternation: false }];
  const top = (): GroupState => stack[stack.length - 1] as GroupState;
  const wide = { count: 0 };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return { problem: 'backreferences are not allowed', offset: i };
      i = quantified(src, i + 2, top(), false, wide) ?? i + 2;
    } else if (c === '[') {
      let j = i + 1;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      i = quantified(src, j + 1, top(), false, wide) ?? j + 1;
    } else if (c === '(') {
      stack.push({ unbounded: false, alternation: false });
      i++;
    } else if (c === ')') {
      const group = stack.length > 1 ? (stack.pop() as GroupState) : { unbounded: false, alternation: false };
      const after = quantified(src, i + 1, top(), group.unbounded || group.alternation, wide);
      if (after === -1) return { problem: 'nested quantifier (catastrophic backtracking risk)', offset: i };
      if (group.unbounded) top().unbounded = true;
      i = after ?? i + 1;
    } else if (c === '|') {
      top().alternation = true;
      i++;
    } else {
      i = quantified(src, i + 1, top(), false, wide) ?? i + 1;
    }
    if (wide.count > MAX_WIDE_QUANTIFIERS) {
      return { problem: `more than ${MAX_WIDE_QUANTIFIERS} unbounded quantifiers (*, +, {n,}) make matching slow on long names`, offset: i - 1 };
    }
  }
  return undefined;
}

/**
 * Looks for a quantifier at `i`. Returns the offset after it (undefined if none), or -1 when an unbounded
 * quantifier follows an atom flagged `risky`. Marks the enclosing group unbounded when the quantifier is.
 */
function quantified(src: string, i: number, group: GroupState, risky: boolean, wide: { count: number }): number | undefined {
  const m = /^(?:[*+?]|\{(\d*)(,(\d*))?\})\??/.exec(src.slice(i, i + 24));
  if (!m) return undefined;
  const q = m[0];
  const unbounded = q[0] === '*' || q[0] === '+' || /^\{\d*,\}/.test(q);
  if (unbounded || (m[2] !== undefined && Number(m[3]) - Number(m[1] || 0) > 10)) wide.count++;
  // A counted repeat {n,m} of a risky group backtracks just as badly for large m, so refuse it too.
  if (risky && (unbounded || q.includes(','))) return -1;
  if (unbounded) group.unbounded = true;
  return i + q.length;
}
