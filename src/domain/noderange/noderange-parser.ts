// Recursive-descent parser for xCAT noderanges: list := term (',' term)*; term := ['-'] operand ('@' operand)*.
import type { NoderangeAst, Operand, Term } from './noderange-ast.ts';
import { noderangeError } from './noderange-error.ts';
import { type Token, tokenize } from './noderange-tokenizer.ts';
import { compileSafeRegex } from './regex-guard.ts';
import { parseWord } from './word-operand.ts';

const show = (t: Token): string => (t.type === 'end' ? 'end of noderange' : `'${t.text}'`);

/**
 * Parses noderange text into an AST. Any syntax error throws DomainError('invalid') with field 'noderange',
 * details { position (1-based), noderange }, and a message with a caret line under the fault.
 */
export function parseNoderange(text: string): NoderangeAst {
  const tokens = tokenize(text);
  let k = 0;
  const peek = (): Token => tokens[k] as Token;
  const next = (): Token => tokens[k++] as Token;

  if (peek().type === 'end') throw noderangeError(text, 0, 'empty noderange');
  const terms: Term[] = [];
  for (;;) {
    terms.push(parseTerm());
    const t = next();
    if (t.type === 'end') return { terms };
    if (t.type !== 'comma') throw noderangeError(text, t.pos, `unexpected ${show(t)}, expected ',' or '@'`);
  }

  function parseTerm(): Term {
    const first = peek();
    const exclude = first.type === 'minus';
    if (exclude) k++;
    const operands = [parseOperand()];
    while (peek().type === 'at') {
      k++;
      operands.push(parseOperand());
    }
    return { exclude, operands, pos: first.pos };
  }

  function parseOperand(): Operand {
    const t = next();
    if (t.type === 'word') return parseWord(text, t.text, t.pos);
    if (t.type === 'regex') {
      const re = compileSafeRegex(t.text);
      if (!(re instanceof RegExp)) throw noderangeError(text, t.pos + 1 + re.offset, re.problem);
      return { kind: 'regex', source: t.text, pos: t.pos };
    }
    throw noderangeError(text, t.pos, `unexpected ${show(t)}, expected a name, range, group or /regex/`);
  }
}
