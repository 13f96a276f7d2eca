// The built-in TemplateEngine: stage0's own small Jinja-like language (see docs/templates.md), sandboxed and bounded.
import { DEFAULT_LIMITS, type Template, type TemplateLimits } from './template-ast.ts';
import type { RenderOptions, TemplateEngine, TemplateEngineOptions } from './template-engine.ts';
import { SourceLines, TemplateError, TemplateFault } from './template-error.ts';
import { evaluate } from './template-evaluator.ts';
import { parseTemplate } from './template-parser.ts';
import { templateVariables } from './template-variables.ts';

export interface SafeTemplateEngineOptions extends TemplateEngineOptions {
  limits?: Partial<TemplateLimits>;
  /** Parsed templates kept per engine, keyed by source (lint renders one template for many nodes). */
  cacheSize?: number;
}

export class SafeTemplateEngine implements TemplateEngine {
  readonly strict: boolean;
  private readonly limits: TemplateLimits;
  private readonly cache = new Map<string, Template>();
  private readonly cacheSize: number;

  constructor(options: SafeTemplateEngineOptions) {
    this.strict = options.strict;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.cacheSize = options.cacheSize ?? 32;
  }

  render(source: string, vars: Record<string, unknown>, options: RenderOptions = {}): string {
    if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) throw new TypeError('template variables must be a plain object');
    const lines = new LazyLines(source);
    return this.guard(lines, options.name, () => {
      const onMissing = options.onMissing;
      return evaluate(this.parse(source), vars, {
        limits: this.limits,
        strict: options.strict ?? this.strict,
        onMissing: onMissing && ((variable, offset) => onMissing({ variable, ...lines.get().position(offset) })),
      });
    });
  }

  variables(source: string): string[] {
    return this.guard(new LazyLines(source), undefined, () => templateVariables(this.parse(source)));
  }

  private parse(source: string): Template {
    const hit = this.cache.get(source);
    if (hit) return hit;
    const t = parseTemplate(source, this.limits);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(source, t);
    return t;
  }

  /** Turns internal faults (0-based offsets) into TemplateErrors with line and column. */
  private guard<T>(lines: LazyLines, name: string | undefined, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof TemplateFault)) throw e;
      throw new TemplateError(e.reason, e.problem, lines.get().position(e.offset), { template: name, variable: e.variable });
    }
  }
}

/** Line starts are computed only when an error or a missing variable needs a position. */
class LazyLines {
  private lines: SourceLines | undefined;
  constructor(private readonly source: string) {}
  get(): SourceLines {
    this.lines ??= new SourceLines(this.source);
    return this.lines;
  }
}
