// Recursive-descent parser for template expressions; precedence from low to high: or, and, not, comparison, ~, |, . [].
import type { BinOp, Expr } from './template-ast.ts';
import type { ExprToken } from './expression-tokenizer.ts';
import { TemplateFault } from './template-error.ts';

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=']);
const LITERALS: Record<string, boolean | null> = { true: true, false: false, none: null, True: true, False: false, None: null };

/** Parses one expression from `tokens` starting at `start`; `maxDepth` bounds nesting so evaluation cannot overflow the stack. */
export class ExpressionParser {
  private i: number;
  private readonly depth = new Map<Expr, number>();
  private nesting = 0;

  constructor(
    private readonly tokens: ExprToken[],
    start: number,
    private readonly maxDepth: number,
  ) {
    this.i = start;
  }

  get position(): number {
    return this.i;
  }

  peek(offset = 0): ExprToken {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as ExprToken;
  }

  next(): ExprToken {
    const t = this.peek();
    if (t.type !== 'end') this.i++;
    return t;
  }

  isName(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'name' && t.text === text;
  }

  isOp(text: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === text;
  }

  expectOp(text: string): ExprToken {
    if (!this.isOp(text)) throw this.unexpected(`'${text}'`);
    return this.next();
  }

  expectName(what: string): ExprToken {
    const t = this.peek();
    if (t.type !== 'name') throw this.unexpected(what);
    return this.next();
  }

  unexpected(wanted: string): TemplateFault {
    const t = this.peek();
    const got = t.type === 'end' ? 'end of expression' : t.type === 'string' ? 'a string' : `'${t.text}'`;
    return new TemplateFault('syntax', `expected ${wanted} but found ${got}`, t.pos);
  }

  expression(): Expr {
    this.enter();
    let l = this.and();
    while (this.isName('or')) l = this.bin('or', l, this.next(), this.and());
    this.nesting--;
    return l;
  }

  /** Bounds recursion before it happens (the depth map only sees finished nodes). */
  private enter(): void {
    if (++this.nesting > this.maxDepth) throw new TemplateFault('limit', `expression nested deeper than ${this.maxDepth} levels`, this.peek().pos);
  }

  private and(): Expr {
    let l = this.not();
    while (this.isName('and')) l = this.bin('and', l, this.next(), this.not());
    return l;
  }

  private not(): Expr {
    if (!this.isName('not')) return this.compare();
    const t = this.next();
    this.enter();
    const e = this.not();
    this.nesting--;
    return this.node({ k: 'not', e, pos: t.pos }, e);
  }

  private compare(): Expr {
    const l = this.concat();
    const t = this.peek();
    if (t.type === 'op' && COMPARE.has(t.text)) return this.bin(t.text as BinOp, l, this.next(), this.concat());
    if (this.isName('in')) return this.bin('in', l, this.next(), this.concat());
    if (this.isName('not') && this.isName('in', 1)) {
      this.next();
      return this.bin('not in', l, this.next(), this.concat());
    }
    if (this.isName('is')) {
      this.next();
      const negate = this.isName('not');
      if (negate) this.next();
      const test = this.expectName("'defined'");
      if (test.text !== 'defined') throw new TemplateFault('syntax', `unknown test '${test.text}' (only 'defined')`, test.pos);
      return this.node({ k: 'defined', e: l, negate, pos: t.pos }, l);
    }
    return l;
  }

  private concat(): Expr {
    let l = this.filtered();
    while (this.isOp('~')) l = this.bin('~', l, this.next(), this.filtered());
    return l;
  }

  private filtered(): Expr {
    let input = this.postfix();
    while (this.isOp('|')) {
      this.next();
      const name = this.expectName('a filter name');
      const args: Expr[] = [];
      if (this.isOp('(')) {
        this.next();
        while (!this.isOp(')')) {
          args.push(this.expression());
          if (!this.isOp(')')) this.expectOp(',');
        }
        this.next();
      }
      input = this.node({ k: 'filter', name: name.text, input, args, pos: name.pos }, input, ...args);
    }
    return input;
  }

  private postfix(): Expr {
    let obj = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.next();
        const key = this.expectName('an attribute name after .');
        obj = this.node({ k: 'member', obj, key: { k: 'lit', value: key.text, pos: key.pos }, pos: dot.pos }, obj);
      } else if (this.isOp('[')) {
        const open = this.next();
        const key = this.expression();
        this.expectOp(']');
        obj = this.node({ k: 'member', obj, key, pos: open.pos }, obj, key);
      } else if (this.isOp('(')) {
        throw new TemplateFault('sandbox', 'templates cannot call functions (use a filter: value | name(args))', this.peek().pos);
      } else return obj;
    }
  }

  private primary(): Expr {
    if (this.peek().type === 'end') throw this.unexpected('a value');
    const t = this.next();
    if (t.type === 'string') return { k: 'lit', value: t.text, pos: t.pos };
    if (t.type === 'number') return { k: 'lit', value: Number(t.text), pos: t.pos };
    if (t.type === 'name') {
      // Own keys only: `in` would also find Object.prototype's, turning `constructor`/`__proto__` into host objects.
      if (Object.hasOwn(LITERALS, t.text)) return { k: 'lit', value: LITERALS[t.text] as boolean | null, pos: t.pos };
      return { k: 'name', name: t.text, pos: t.pos };
    }
    if (t.type === 'op' && t.text === '(') {
      const e = this.expression();
      this.expectOp(')');
      return this.node({ ...e }, e);
    }
    if (t.type === 'op' && t.text === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.expression());
        if (!this.isOp(']')) this.expectOp(',');
      }
      this.next();
      return this.node({ k: 'list', items, pos: t.pos }, ...items);
    }
    this.i--;
    throw this.unexpected('a value');
  }

  private bin(op: BinOp, l: Expr, t: ExprToken, r: Expr): Expr {
    return this.node({ k: 'bin', op, l, r, pos: t.pos }, l, r);
  }

  /** Records the nesting depth of `e` and refuses expressions nested deeper than the limit. */
  private node<T extends Expr>(e: T, ...kids: Expr[]): T {
    let d = 1;
    for (const k of kids) d = Math.max(d, (this.depth.get(k) ?? 1) + 1);
    if (d > this.maxDepth) throw new TemplateFault('limit', `expression nested deeper than ${this.maxDepth} levels`, e.pos);
    this.depth.set(e, d);
    return e;
  }
}
