// Renders a parsed template against plain data, inside the sandbox and the limits; no eval, no host objects.
import { exprStart, type Expr, type Stmt, type Template, type TemplateLimits } from './template-ast.ts';
import { TemplateFault } from './template-error.ts';
import { FilterProblem, TEMPLATE_FILTERS, toText } from './template-filters.ts';
import { checkName, formatPath, isForbiddenKey, Missing, readMember, type Data, type Value } from './template-sandbox.ts';
import { exprPath } from './template-variables.ts';

export interface EvalOptions {
  limits: TemplateLimits;
  /** Strict: a missing variable is an error. Lenient: it reads as none/empty and is reported to onMissing. */
  strict: boolean;
  onMissing?: (path: string, offset: number) => void;
}

type Scope = ReadonlyMap<string, Data>;

export function evaluate(t: Template, vars: Record<string, unknown>, opts: EvalOptions): string {
  return new Evaluator(vars, opts).run(t);
}

class Evaluator {
  private readonly parts: string[] = [];
  private length = 0;
  private iterations = 0;

  constructor(
    private readonly vars: Record<string, unknown>,
    private readonly opts: EvalOptions,
  ) {}

  run(t: Template): string {
    this.stmts(t.body, new Map());
    return this.parts.join('');
  }

  private stmts(body: Stmt[], scope: Scope): void {
    for (const s of body) {
      if (s.k === 'text') this.emit(s.value, 0);
      else if (s.k === 'output') this.emit(this.text(this.use(this.expr(s.e, scope)), s.e.pos), s.pos);
      else if (s.k === 'if') {
        const hit = s.branches.find((b) => truthy(this.use(this.expr(b.cond, scope))));
        const body = hit ? hit.body : s.otherwise;
        if (body) this.stmts(body, scope);
      } else this.loop(s, scope);
    }
  }

  private loop(s: Extract<Stmt, { k: 'for' }>, scope: Scope): void {
    const items = this.use(this.expr(s.iter, scope));
    if (items === null) return;
    if (!Array.isArray(items)) throw new TemplateFault('type', `'for' needs a list, got ${kind(items)}`, exprStart(s.iter));
    const list = items as readonly Data[];
    list.forEach((item, i) => {
      if (++this.iterations > this.opts.limits.maxIterations) throw new TemplateFault('limit', `more than ${this.opts.limits.maxIterations} loop iterations`, s.pos);
      const loop = { index: i + 1, index0: i, first: i === 0, last: i === list.length - 1, length: list.length };
      this.stmts(s.body, new Map([...scope, [s.name, item], ['loop', loop]]));
    });
  }

  private emit(piece: string, pos: number): void {
    this.length += piece.length;
    if (this.length > this.opts.limits.maxOutputLength) throw new TemplateFault('limit', `output longer than ${this.opts.limits.maxOutputLength} characters`, pos);
    this.parts.push(piece);
  }

  /** Where a missing value is consumed: strict mode fails, lenient mode reports it and reads none. */
  private use(v: Value): Data {
    if (!(v instanceof Missing)) return v;
    if (this.opts.strict) throw new TemplateFault('missing', `undefined variable '${v.path}'`, v.pos, v.path);
    this.opts.onMissing?.(v.path, v.pos);
    return null;
  }

  private text(v: Data, pos: number): string {
    try {
      return toText(v);
    } catch (e) {
      throw e instanceof FilterProblem ? new TemplateFault('type', e.message, pos) : e;
    }
  }

  private expr(e: Expr, scope: Scope): Value {
    switch (e.k) {
      case 'lit':
        return e.value;
      case 'list':
        return this.bounded(e.items.map((i) => this.use(this.expr(i, scope))), e.pos);
      case 'name':
        checkName(e.name, e.pos);
        if (scope.has(e.name)) return scope.get(e.name) as Data;
        if (Object.hasOwn(this.vars, e.name)) return readMember(this.vars as Data, e.name, e.name, e.pos);
        return new Missing(e.name, e.pos);
      case 'member': {
        const obj = this.expr(e.obj, scope);
        const key = this.use(this.expr(e.key, scope));
        if (typeof key !== 'string' && !(typeof key === 'number' && Number.isInteger(key))) {
          throw new TemplateFault('type', `a key must be a string or a whole number, got ${kind(key)}`, e.key.pos);
        }
        // Checked before the missing case, so `missing.constructor` fails in lenient mode too.
        if (typeof key === 'string' && isForbiddenKey(key)) checkName(key, e.key.pos);
        if (obj instanceof Missing) return obj;
        return readMember(obj, key, formatPath(exprPath(e.obj)?.path ?? '(value)', key), e.key.pos);
      }
      case 'filter':
        return this.filter(e, scope);
      case 'not':
        return !truthy(this.use(this.expr(e.e, scope)));
      case 'defined': {
        const v = this.expr(e.e, scope);
        return v instanceof Missing === e.negate;
      }
      case 'bin':
        return this.bin(e, scope);
    }
  }

  private filter(e: Extract<Expr, { k: 'filter' }>, scope: Scope): Value {
    const f = TEMPLATE_FILTERS.get(e.name);
    if (f === undefined) throw new TemplateFault('syntax', `unknown filter '${e.name}'`, e.pos);
    const raw = this.expr(e.input, scope);
    const input = e.name === 'default' ? raw : this.use(raw);
    const args = e.args.map((a) => this.use(this.expr(a, scope)));
    try {
      return this.bounded(f(input, args), e.pos);
    } catch (err) {
      throw err instanceof FilterProblem ? new TemplateFault('type', err.message, e.pos) : err;
    }
  }

  private bin(e: Extract<Expr, { k: 'bin' }>, scope: Scope): Value {
    const l = this.use(this.expr(e.l, scope));
    if (e.op === 'and') return truthy(l) ? this.use(this.expr(e.r, scope)) : l;
    if (e.op === 'or') return truthy(l) ? l : this.use(this.expr(e.r, scope));
    const r = this.use(this.expr(e.r, scope));
    switch (e.op) {
      case '==':
        return l === r;
      case '!=':
        return l !== r;
      case '~':
        return this.bounded(this.text(l, e.l.pos) + this.text(r, e.r.pos), e.pos);
      case 'in':
      case 'not in':
        return contains(r, l, e.pos) !== (e.op === 'not in');
      default:
        if ((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string')) {
          return e.op === '<' ? l < r : e.op === '>' ? l > r : e.op === '<=' ? l <= r : l >= r;
        }
        throw new TemplateFault('type', `cannot compare ${kind(l)} ${e.op} ${kind(r)}`, e.pos);
    }
  }

  /** Intermediate strings and lists obey the output limit too, so chained filters cannot blow up memory. */
  private bounded(v: Value, pos: number): Value {
    const n = typeof v === 'string' || Array.isArray(v) ? v.length : 0;
    if (n > this.opts.limits.maxOutputLength) throw new TemplateFault('limit', `value longer than ${this.opts.limits.maxOutputLength}`, pos);
    return v;
  }
}

function contains(haystack: Data, needle: Data, pos: number): boolean {
  if (haystack === null) return false;
  if (Array.isArray(haystack)) return haystack.includes(needle);
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  if (typeof haystack === 'object' && typeof needle === 'string') return Object.hasOwn(haystack, needle);
  throw new TemplateFault('type', `'in' needs a list, string or map on the right, got ${kind(haystack)}`, pos);
}

export function truthy(v: Data): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function kind(v: Data): string {
  if (v === null) return 'none';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a map' : `a ${typeof v}`;
}
