// Tokens of template expressions: names, numbers, quoted strings and the few operators the language has.
import { TemplateFault } from './template-error.ts';

export type ExprTokenType = 'name' | 'number' | 'string' | 'op' | 'end';

export interface ExprToken {
  type: ExprTokenType;
  /** Name text, operator text, or the decoded string/number source. */
  text: string;
  /** 0-based offset in the whole template source. */
  pos: number;
}

const OPS = ['==', '!=', '<=', '>=', '<', '>', '.', '[', ']', '(', ')', ',', '|', '~'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** `base` is the offset of `src` within the template, so token positions are template positions. */
export function tokenizeExpr(src: string, base: number): ExprToken[] {
  const tokens: ExprToken[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i] as string)) i++;
      tokens.push({ type: 'name', text: src.slice(start, i), pos: base + start });
    } else if (/[0-9]/.test(c)) {
      const start = i;
      while (i < src.length && /[0-9]/.test(src[i] as string)) i++;
      if (src[i] === '.' && /[0-9]/.test(src[i + 1] ?? '')) for (i++; i < src.length && /[0-9]/.test(src[i] as string); ) i++;
      tokens.push({ type: 'number', text: src.slice(start, i), pos: base + start });
    } else if (c === "'" || c === '"') {
      const start = i;
      let value = '';
      for (i++; src[i] !== c; i++) {
        if (i >= src.length) throw new TemplateFault('syntax', 'unterminated string', base + start);
        if (src[i] === '\\') {
          const e = ESCAPES[src[i + 1] ?? ''];
          if (e === undefined) throw new TemplateFault('syntax', `unknown escape '\\${src[i + 1] ?? ''}' in string`, base + i);
          value += e;
          i++;
        } else value += src[i];
      }
      i++;
      tokens.push({ type: 'string', text: value, pos: base + start });
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (op === undefined) throw new TemplateFault('syntax', `unexpected character '${c}'`, base + i);
      tokens.push({ type: 'op', text: op, pos: base + i });
      i += op.length;
    }
  }
  tokens.push({ type: 'end', text: '', pos: base + src.length });
  return tokens;
}
