// Turns one word token into an operand: `all`, a plain name, a bracket pattern or a dash range (xCAT rules).
import type { DashRangeOperand, NumRange, Operand, PatternOperand, Segment } from './noderange-ast.ts';
import { MAX_RANGE_NAMES } from './noderange-ast.ts';
import { noderangeError } from './noderange-error.ts';

/** Digits beyond this make numbers imprecise as JS numbers; no real name needs them. */
const MAX_DIGITS = 15;
/** Names are at most 63 characters; patterns get some room, but bounded so parsing stays cheap. */
const MAX_WORD_LENGTH = 1024;

/** `text` is the whole noderange (for error messages), `word` starts at offset `pos` in it. */
export function parseWord(text: string, word: string, pos: number): Operand {
  if (!/^[A-Za-z0-9[]/.test(word)) throw noderangeError(text, pos, `a name must start with a letter or digit, not '${word[0]}'`);
  if (word.length > MAX_WORD_LENGTH) throw noderangeError(text, pos, `a name or pattern longer than ${MAX_WORD_LENGTH} characters`);
  if (word === 'all') return { kind: 'all', pos };
  if (word.includes('[')) return parsePattern(text, word, pos);
  return parseDashRange(text, word, pos) ?? { kind: 'name', name: word, pos };
}

function parsePattern(text: string, word: string, pos: number): PatternOperand {
  const segments: Segment[] = [];
  let count = 1;
  let i = 0;
  while (i < word.length) {
    const open = word.indexOf('[', i);
    if (open < 0) {
      segments.push({ text: word.slice(i) });
      break;
    }
    if (open > i) segments.push({ text: word.slice(i, open) });
    const close = word.indexOf(']', open); // the tokenizer guarantees it exists
    const ranges = parseBracket(text, word.slice(open + 1, close), pos + open + 1);
    segments.push({ ranges });
    count *= ranges.reduce((n, r) => n + rangeSize(r), 0);
    if (count > MAX_RANGE_NAMES) throw noderangeError(text, pos, `'${word}' names more than ${MAX_RANGE_NAMES} nodes`);
    i = close + 1;
  }
  return { kind: 'pattern', segments, count, pos };
}

/** `01-10,15,20-22` starting at offset `pos` of the noderange. */
function parseBracket(text: string, body: string, pos: number): NumRange[] {
  if (body === '') throw noderangeError(text, pos - 1, "empty range '[]'");
  const ranges: NumRange[] = [];
  let offset = 0;
  for (const item of body.split(',')) {
    const at = pos + offset;
    offset += item.length + 1;
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) throw noderangeError(text, at, item === '' ? 'empty item in range' : `'${item}' is not a number or a from-to range`);
    const range = { from: m[1] as string, to: m[2] ?? (m[1] as string) };
    checkRange(text, range, at, item);
    ranges.push(range);
  }
  return ranges;
}

/** `n01-n10`: the word splits at one dash into two names with the same prefix and numeric suffixes. */
function parseDashRange(text: string, word: string, pos: number): DashRangeOperand | undefined {
  for (let dash = word.indexOf('-'); dash > 0; dash = word.indexOf('-', dash + 1)) {
    const left = splitDigits(word.slice(0, dash));
    const right = splitDigits(word.slice(dash + 1));
    if (!left || !right || left[0] !== right[0]) continue;
    const range = { from: left[1], to: right[1] };
    checkRange(text, range, pos, word);
    const count = rangeSize(range);
    if (count > MAX_RANGE_NAMES) throw noderangeError(text, pos, `'${word}' names more than ${MAX_RANGE_NAMES} nodes`);
    return { kind: 'dash', text: word, prefix: left[0], range, count, pos };
  }
  return undefined;
}

/** `n01` -> ['n', '01']; undefined when the text does not end in a digit. */
function splitDigits(s: string): [string, string] | undefined {
  let i = s.length;
  while (i > 0 && s.charCodeAt(i - 1) >= 48 && s.charCodeAt(i - 1) <= 57) i--;
  return i === s.length ? undefined : [s.slice(0, i), s.slice(i)];
}

function checkRange(text: string, r: NumRange, pos: number, source: string): void {
  if (r.from.length > MAX_DIGITS || r.to.length > MAX_DIGITS) throw noderangeError(text, pos, `numbers in '${source}' are too long`);
  if (Number(r.from) > Number(r.to)) throw noderangeError(text, pos, `range '${source}' is reversed (${r.from} > ${r.to})`);
}

export const rangeSize = (r: NumRange): number => Number(r.to) - Number(r.from) + 1;

/** The names of a range with the prefix; the width of `from` sets the zero padding (01-10 -> 01..10). */
export function* rangeNames(r: NumRange): Generator<string> {
  const width = r.from.length;
  for (let n = Number(r.from), end = Number(r.to); n <= end; n++) yield String(n).padStart(width, '0');
}

/** Every name a bracket pattern stands for, in source order. */
export function patternNames(p: PatternOperand): string[] {
  let out = [''];
  for (const seg of p.segments) {
    if ('text' in seg) {
      out = out.map((s) => s + seg.text);
    } else {
      const suffixes: string[] = [];
      for (const r of seg.ranges) for (const n of rangeNames(r)) suffixes.push(n);
      const next: string[] = [];
      for (const s of out) for (const n of suffixes) next.push(s + n);
      out = next;
    }
  }
  return out;
}

export function dashNames(d: DashRangeOperand): string[] {
  const out: string[] = [];
  for (const n of rangeNames(d.range)) out.push(d.prefix + n);
  return out;
}
