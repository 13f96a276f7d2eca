// Lists the variables a parsed template refers to (`node.ip`, `node['bmc.address']`), loop variables excluded.
import type { Expr, Stmt, Template } from './template-ast.ts';
import { formatPath } from './template-sandbox.ts';

/** The static path of a name/member chain (`node.macs[0]`), or null when a key is computed at render time. */
export function exprPath(e: Expr): { root: string; path: string } | null {
  if (e.k === 'name') return { root: e.name, path: e.name };
  if (e.k !== 'member' || e.key.k !== 'lit') return null;
  const base = exprPath(e.obj);
  const key = e.key.value;
  if (base === null || (typeof key !== 'string' && typeof key !== 'number')) return null;
  return { root: base.root, path: formatPath(base.path, key) };
}

/** Sorted, de-duplicated paths of every variable the template reads. */
export function templateVariables(t: Template): string[] {
  const found = new Set<string>();
  const walkExpr = (e: Expr, locals: ReadonlySet<string>): void => {
    const p = exprPath(e);
    if (p !== null) {
      if (!locals.has(p.root)) found.add(p.path);
      return;
    }
    switch (e.k) {
      case 'list':
        for (const i of e.items) walkExpr(i, locals);
        return;
      case 'member':
        walkExpr(e.obj, locals);
        walkExpr(e.key, locals);
        return;
      case 'filter':
        walkExpr(e.input, locals);
        for (const a of e.args) walkExpr(a, locals);
        return;
      case 'not':
      case 'defined':
        walkExpr(e.e, locals);
        return;
      case 'bin':
        walkExpr(e.l, locals);
        walkExpr(e.r, locals);
        return;
      default:
    }
  };
  const walk = (body: Stmt[], locals: ReadonlySet<string>): void => {
    for (const s of body) {
      if (s.k === 'output') walkExpr(s.e, locals);
      else if (s.k === 'if') {
        for (const b of s.branches) {
          walkExpr(b.cond, locals);
          walk(b.body, locals);
        }
        if (s.otherwise) walk(s.otherwise, locals);
      } else if (s.k === 'for') {
        walkExpr(s.iter, locals);
        walk(s.body, new Set([...locals, s.name, 'loop']));
      }
    }
  };
  walk(t.body, new Set());
  return [...found].sort();
}
