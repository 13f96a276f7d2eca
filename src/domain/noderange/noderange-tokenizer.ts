// Splits noderange text into tokens: words (names, ranges, bracket patterns), regexes and the operators , @ -.
import { MAX_NODERANGE_LENGTH } from './noderange-ast.ts';
import { noderangeError } from './noderange-error.ts';

export type TokenType = 'word' | 'regex' | 'comma' | 'at' | 'minus' | 'end';

export interface Token {
  type: TokenType;
  /** For a word, the word; for a regex, the pattern between the slashes. */
  text: string;
  /** 0-based offset of the token's first character. */
  pos: number;
}

const isWordChar = (c: string): boolean => /^[A-Za-z0-9._-]$/.test(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const BRACKET_CHARS = /^[0-9,-]$/;

const describe = (c: string): string => (c === "'" ? 'quote' : `'${c}'`);

/**
 * A `-` is the exclusion operator only where a term starts (start of text or after a comma); elsewhere it is
 * part of a name or a dash range, since node names may contain dashes.
 */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_NODERANGE_LENGTH) throw noderangeError(text, MAX_NODERANGE_LENGTH, `longer than ${MAX_NODERANGE_LENGTH} characters`);
  const tokens: Token[] = [];
  let i = 0;
  let termStart = true;
  while (i < text.length) {
    const c = text[i] as string;
    if (isSpace(c)) {
      i++;
    } else if (c === ',') {
      tokens.push({ type: 'comma', text: c, pos: i++ });
      termStart = true;
    } else if (c === '@') {
      tokens.push({ type: 'at', text: c, pos: i++ });
      termStart = false;
    } else if (c === '-' && termStart) {
      tokens.push({ type: 'minus', text: c, pos: i++ });
      termStart = false;
    } else if (c === '/') {
      const start = i;
      i = scanRegex(text, i);
      tokens.push({ type: 'regex', text: text.slice(start + 1, i - 1), pos: start });
      termStart = false;
    } else if (isWordChar(c) || c === '[') {
      const start = i;
      i = scanWord(text, i);
      tokens.push({ type: 'word', text: text.slice(start, i), pos: start });
      termStart = false;
    } else {
      throw noderangeError(text, i, `unexpected ${describe(c)}`);
    }
  }
  tokens.push({ type: 'end', text: '', pos: text.length });
  return tokens;
}

/** Returns the offset just past the word; bracket groups `[...]` belong to the word. */
function scanWord(text: string, i: number): number {
  while (i < text.length) {
    const c = text[i] as string;
    if (isWordChar(c)) {
      i++;
    } else if (c === '[') {
      const open = i++;
      while (i < text.length && text[i] !== ']') {
        const d = text[i] as string;
        if (!BRACKET_CHARS.test(d)) {
          throw noderangeError(text, i, d === '[' ? "unexpected '[' inside brackets" : `unexpected ${describe(d)} inside brackets`);
        }
        i++;
      }
      if (i >= text.length) throw noderangeError(text, open, "'[' is never closed");
      i++;
    } else {
      return i;
    }
  }
  return i;
}

/** Returns the offset just past the closing slash. A `/` inside `[...]` or after `\` does not close. */
function scanRegex(text: string, i: number): number {
  const open = i++;
  let inClass = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '[') (inClass = true), i++;
    else if (c === ']') (inClass = false), i++;
    else if (c === '/' && !inClass) return i + 1;
    else i++;
  }
  throw noderangeError(text, open, 'regex is never closed with /');
}
