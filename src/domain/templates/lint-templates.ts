// Renders every template for every node in strict mode and reports what is missing, before any machine boots.
import { SafeTemplateEngine } from './safe-template-engine.ts';
import type { TemplateEngine, MissingVariable } from './template-engine.ts';
import { TemplateError } from './template-error.ts';

export interface LintProblem {
  /** The missing variable as written in the template; null for other problems (syntax, sandbox, type, limit). */
  variable: string | null;
  line: number;
  message: string;
}

export interface LintResult {
  node: string;
  template: string;
  problems: LintProblem[];
}

export interface LintNode {
  name: string;
  /** What the template would see for this node, e.g. buildTemplateVars(...). */
  vars: Record<string, unknown>;
}

/**
 * Only (node, template) pairs with problems are returned, in input order. A missing variable is reported once per
 * place it is used; to list them all (strict rendering stops at the first), the template is rendered a second time
 * leniently, collecting every missing variable. `engine` must be strict; by default the built-in engine.
 */
export function lintTemplates(
  templates: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
  nodes: readonly LintNode[],
  engine: TemplateEngine = new SafeTemplateEngine({ strict: true }),
): LintResult[] {
  if (!engine.strict) throw new TypeError('lintTemplates needs a strict template engine');
  const entries = templates instanceof Map ? [...templates.entries()] : Object.entries(templates);
  const out: LintResult[] = [];
  for (const node of nodes) {
    for (const [name, source] of entries) {
      const problems = lintOne(engine, name, source, node.vars);
      if (problems.length > 0) out.push({ node: node.name, template: name, problems });
    }
  }
  return out;
}

function lintOne(engine: TemplateEngine, name: string, source: string, vars: Record<string, unknown>): LintProblem[] {
  try {
    engine.render(source, vars, { name });
    return [];
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    if (e.reason !== 'missing') return [{ variable: null, line: e.line, message: e.problem }];
    const found: LintProblem[] = [{ variable: e.variable ?? null, line: e.line, message: e.problem }];
    const seen = new Set([`${e.variable}@${e.line}:${e.column}`]);
    const collect = (m: MissingVariable): void => {
      const key = `${m.variable}@${m.line}:${m.column}`;
      if (seen.has(key)) return;
      seen.add(key);
      found.push({ variable: m.variable, line: m.line, message: `undefined variable '${m.variable}'` });
    };
    try {
      engine.render(source, vars, { name, strict: false, onMissing: collect });
    } catch (again) {
      // Lenient rendering may stop later (a filter given none); what was collected until then still stands.
      if (!(again instanceof TemplateError)) throw again;
    }
    return found.sort((a, b) => a.line - b.line);
  }
}
