// Parses template source into statements: text, {{ output }}, {% if/elif/else/endif %}, {% for x in xs %}…{% endfor %}.
import { ExpressionParser } from './expression-parser.ts';
import { tokenizeExpr } from './expression-tokenizer.ts';
import type { Expr, Stmt, Template, TemplateLimits } from './template-ast.ts';
import { TemplateFault } from './template-error.ts';
import { lex, type Segment } from './template-lexer.ts';

type TagSegment = Exclude<Segment, { type: 'text' }>;
const KEYWORDS = new Set(['if', 'elif', 'else', 'endif', 'for', 'endfor']);
const RESERVED = new Set([...KEYWORDS, 'in', 'and', 'or', 'not', 'is', 'true', 'false', 'none', 'loop']);

/** One open block while parsing: the statement list text goes into, and what may close or continue it. */
interface Frame {
  kind: 'root' | 'if' | 'for';
  body: Stmt[];
  stmt?: Extract<Stmt, { k: 'if' | 'for' }>;
  sawElse: boolean;
  offset: number;
}

export function parseTemplate(source: string, limits: TemplateLimits): Template {
  if (source.length > limits.maxSourceLength) throw new TemplateFault('limit', `template longer than ${limits.maxSourceLength} characters`, 0);
  const root: Frame = { kind: 'root', body: [], sawElse: false, offset: 0 };
  const stack: Frame[] = [root];
  const top = (): Frame => stack[stack.length - 1] as Frame;
  for (const seg of lex(source)) {
    if (seg.type === 'text') top().body.push({ k: 'text', value: seg.value });
    else if (seg.type === 'output') top().body.push({ k: 'output', e: wholeExpression(seg.inner, seg.innerOffset, limits), pos: seg.offset });
    else tag(seg, stack, limits);
  }
  const open = top();
  if (open.kind !== 'root') throw new TemplateFault('syntax', `'{% ${open.kind} %}' is never closed (expected '{% end${open.kind} %}')`, open.offset);
  return { body: root.body };
}

function wholeExpression(src: string, base: number, limits: TemplateLimits): Expr {
  const p = new ExpressionParser(tokenizeExpr(src, base), 0, limits.maxDepth);
  if (p.peek().type === 'end') throw new TemplateFault('syntax', 'empty expression', base);
  const e = p.expression();
  if (p.peek().type !== 'end') throw p.unexpected('end of expression');
  return e;
}

function tag(seg: TagSegment, stack: Frame[], limits: TemplateLimits): void {
  // The tag name is checked before the rest is tokenized, so `{% set x = 1 %}` says "unknown tag", not "unexpected '='".
  const word = /^(\s*)(\S*)/.exec(seg.inner)!;
  if (!KEYWORDS.has(word[2] as string)) {
    const what = word[2] === '' ? 'an empty tag' : `unknown tag '${(word[2] as string).slice(0, 40)}'`;
    throw new TemplateFault('syntax', `${what} (tags are if, elif, else, endif, for, endfor)`, seg.innerOffset + (word[1] as string).length);
  }
  const tokens = tokenizeExpr(seg.inner, seg.innerOffset);
  const head = tokens[0]!;
  const p = new ExpressionParser(tokens, 1, limits.maxDepth);
  const rest = (): Expr => {
    const e = p.expression();
    if (p.peek().type !== 'end') throw p.unexpected('end of tag');
    return e;
  };
  const done = (): void => {
    if (p.peek().type !== 'end') throw p.unexpected('end of tag');
  };
  const frame = stack[stack.length - 1] as Frame;
  const push = (f: Frame): void => {
    if (stack.length > limits.maxDepth) throw new TemplateFault('limit', `blocks nested deeper than ${limits.maxDepth} levels`, seg.offset);
    frame.body.push(f.stmt as Stmt);
    stack.push(f);
  };
  const expectOpen = (kind: 'if' | 'for'): void => {
    if (frame.kind !== kind) throw new TemplateFault('syntax', `'{% ${head.text} %}' without an open '{% ${kind} %}'`, head.pos);
  };
  switch (head.text) {
    case 'if': {
      const stmt: Stmt = { k: 'if', branches: [{ cond: rest(), body: [] }], otherwise: null, pos: seg.offset };
      push({ kind: 'if', body: stmt.branches[0]!.body, stmt, sawElse: false, offset: seg.offset });
      return;
    }
    case 'elif':
    case 'else': {
      expectOpen('if');
      if (frame.sawElse) throw new TemplateFault('syntax', `'{% ${head.text} %}' after '{% else %}'`, head.pos);
      const stmt = frame.stmt as Extract<Stmt, { k: 'if' }>;
      if (head.text === 'elif') {
        const branch = { cond: rest(), body: [] as Stmt[] };
        stmt.branches.push(branch);
        frame.body = branch.body;
      } else {
        done();
        frame.sawElse = true;
        stmt.otherwise = frame.body = [];
      }
      return;
    }
    case 'for': {
      const name = p.expectName('a loop variable name');
      if (RESERVED.has(name.text)) throw new TemplateFault('syntax', `'${name.text}' cannot be a loop variable`, name.pos);
      if (!p.isName('in')) throw p.unexpected("'in'");
      p.next();
      const stmt: Stmt = { k: 'for', name: name.text, iter: rest(), body: [], pos: seg.offset };
      push({ kind: 'for', body: stmt.body, stmt, sawElse: false, offset: seg.offset });
      return;
    }
    default: {
      // endif / endfor
      done();
      expectOpen(head.text === 'endif' ? 'if' : 'for');
      stack.pop();
    }
  }
}
