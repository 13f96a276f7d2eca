// Public surface of the installer templates: the engine, template variables, shipped templates and lint.
export type { TemplateEngine, TemplateEngineOptions, RenderOptions, MissingVariable } from './template-engine.ts';
export { SafeTemplateEngine, type SafeTemplateEngineOptions } from './safe-template-engine.ts';
export { TemplateError, type TemplateProblemKind } from './template-error.ts';
export { DEFAULT_LIMITS, type TemplateLimits } from './template-ast.ts';
export { TEMPLATE_FILTERS } from './template-filters.ts';
export { buildTemplateVars, DEFAULT_CALLBACK_PATH, type InstallTemplateInput, type InstallTemplateVars, type TemplateImage } from './install-template-vars.ts';
export { SHIPPED_TEMPLATES, type ShippedTemplate } from './shipped-templates.ts';
export { lintTemplates, type LintNode, type LintProblem, type LintResult } from './lint-templates.ts';
