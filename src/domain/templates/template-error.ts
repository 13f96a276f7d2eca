// TemplateError: a template that cannot be parsed or rendered, with the line and column at fault.
import { DomainError } from '../errors.ts';

/** Why a template failed; lint and the API use it to tell authoring mistakes from data gaps. */
export type TemplateProblemKind = 'syntax' | 'missing' | 'sandbox' | 'type' | 'limit';

export interface TemplatePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/**
 * A DomainError of kind `invalid` on field `template`. `variable` is set for a missing variable (reason `missing`),
 * written the way a template author would write it, e.g. `node.ip` or `node['bmc.address']`.
 */
export class TemplateError extends DomainError {
  readonly reason: TemplateProblemKind;
  readonly line: number;
  readonly column: number;
  readonly template: string | undefined;
  readonly variable: string | undefined;
  readonly problem: string;

  constructor(reason: TemplateProblemKind, problem: string, at: TemplatePosition, opts: { template?: string; variable?: string } = {}) {
    const where = `${opts.template ?? 'template'}:${at.line}:${at.column}`;
    super('invalid', `${where}: ${problem}`, {
      field: 'template',
      details: { reason, line: at.line, column: at.column, template: opts.template, variable: opts.variable },
    });
    this.name = 'TemplateError';
    this.reason = reason;
    this.line = at.line;
    this.column = at.column;
    this.template = opts.template;
    this.variable = opts.variable;
    this.problem = problem;
  }
}

/** Turns 0-based offsets into 1-based line/column; built once per source. */
export class SourceLines {
  private readonly starts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): TemplatePosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] as number) + 1 };
  }
}

/** Raised inside the engine with a 0-based offset; the engine turns it into a TemplateError with line/column. */
export class TemplateFault extends Error {
  constructor(
    readonly reason: TemplateProblemKind,
    readonly problem: string,
    readonly offset: number,
    readonly variable?: string,
  ) {
    super(problem);
    this.name = 'TemplateFault';
  }
}
