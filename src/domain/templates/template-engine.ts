// The TemplateEngine interface every adapter implements, and the options shared by all of them.

/** A missing variable met while rendering leniently. */
export interface MissingVariable {
  /** As written in a template: `node.ip`, `node['bmc.address']`. */
  variable: string;
  line: number;
  column: number;
}

export interface RenderOptions {
  /** Shown in error messages (`kickstart/rhel9.ks:12:5: ...`). */
  name?: string;
  /** Overrides the engine's mode for this call. */
  strict?: boolean;
  /** Lenient mode only: called for each use of a missing variable. An adapter that cannot tell may never call it. */
  onMissing?: (m: MissingVariable) => void;
}

/**
 * Renders installer templates. Implementations must be sandboxed: a template reaches only the variables given,
 * never files, network, processes, globals or prototypes; every failure is a TemplateError with line and column.
 */
export interface TemplateEngine {
  /** Strict engines throw on a missing variable (lint, real installs); lenient ones print it empty (preview). */
  readonly strict: boolean;
  render(source: string, vars: Record<string, unknown>, options?: RenderOptions): string;
  /** The variables `source` reads, sorted, e.g. `['callback', 'node.ip', "node['bmc.address']"]`. */
  variables(source: string): string[];
}

export interface TemplateEngineOptions {
  strict: boolean;
}
