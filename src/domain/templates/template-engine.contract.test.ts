// Runs the TemplateEngine contract against every adapter stage0 has (today: the built-in SafeTemplateEngine).
import { SafeTemplateEngine } from './safe-template-engine.ts';
import { runTemplateEngineContract } from './template-engine.contract.ts';

runTemplateEngineContract('SafeTemplateEngine', (options) => new SafeTemplateEngine(options));
