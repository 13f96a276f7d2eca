// Splits template source into text, `{{ output }}` and `{% tag %}` segments; drops `{# comments #}`.
import { TemplateFault } from './template-error.ts';

export type Segment =
  | { type: 'text'; value: string }
  /** `inner` is the text between the delimiters; `innerOffset` its 0-based offset in the source. */
  | { type: 'output' | 'tag'; inner: string; innerOffset: number; offset: number };

const CLOSE: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };

/**
 * Whitespace rules, so installer files (where a stray blank line or indent matters, e.g. YAML) stay clean:
 * - a `{% tag %}` or `{# comment #}` alone on its line removes that whole line (Jinja's trim_blocks + lstrip_blocks);
 * - `{{-` / `{%-` strip whitespace before the tag, `-}}` / `-%}` strip whitespace after it (Jinja's `-`).
 */
export function lex(source: string): Segment[] {
  const out: Segment[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const open = nextOpen(source, i);
    if (open < 0) {
      text += source.slice(i);
      break;
    }
    text += source.slice(i, open);
    const kind = source.slice(open, open + 2);
    const close = CLOSE[kind] as string;
    const end = source.indexOf(close, open + 2);
    if (end < 0) throw new TemplateFault('syntax', `unclosed '${kind}' (expected '${close}')`, open);
    const trimBefore = source[open + 2] === '-';
    const trimAfter = source[end - 1] === '-' && end - 1 >= open + (trimBefore ? 3 : 2);
    const innerStart = open + 2 + (trimBefore ? 1 : 0);
    const innerEnd = trimAfter ? end - 1 : end;
    let next = end + 2;
    if (trimBefore) text = text.replace(/\s+$/, '');
    if (kind !== '{{' && !trimBefore && !trimAfter) {
      // Alone on its line: drop the indent before it and the newline after it.
      // Judged on the source, not on `text`: a tag right after `{{ x }}` is not at the start of its line.
      let indent = 0;
      while (open - indent > 0 && (source[open - indent - 1] === ' ' || source[open - indent - 1] === '\t')) indent++;
      const atLineStart = open - indent === 0 || source[open - indent - 1] === '\n';
      const after = /^[ \t]*(\r?\n|$)/.exec(source.slice(next, next + 256));
      if (atLineStart && after && indent <= text.length) {
        text = text.slice(0, text.length - indent);
        next += after[0].length;
      }
    }
    if (text !== '') out.push({ type: 'text', value: text });
    text = '';
    if (kind !== '{#') out.push({ type: kind === '{{' ? 'output' : 'tag', inner: source.slice(innerStart, innerEnd), innerOffset: innerStart, offset: open });
    if (trimAfter) while (next < source.length && /\s/.test(source[next] as string)) next++;
    i = next;
  }
  if (text !== '') out.push({ type: 'text', value: text });
  return out;
}

function nextOpen(source: string, from: number): number {
  for (let i = source.indexOf('{', from); i >= 0 && i < source.length - 1; i = source.indexOf('{', i + 1)) {
    const c = source[i + 1];
    if (c === '{' || c === '%' || c === '#') return i;
  }
  return -1;
}
