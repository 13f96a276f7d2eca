// Installer templates for nodes: render one (preview, or for the installer with its token) and lint a noderange.
import { invalid, notFound } from '../errors.ts';
import { lintTemplates, type LintResult } from '../templates/lint-templates.ts';
import { SafeTemplateEngine } from '../templates/safe-template-engine.ts';
import { TemplateError } from '../templates/template-error.ts';
import { nodeTemplateVars, PLACEHOLDER_TOKEN } from './node-template-vars.ts';
import type { ProvisioningDeps } from './provisioning-deps.ts';
import type { Profile } from './profile.ts';

export interface LintReport {
  /** (node, template) pairs checked. */
  checked: number;
  /** Nodes skipped because no profile with a template applies to them, with why. */
  skipped: { node: string; reason: string }[];
  problems: LintResult[];
}

export class TemplateService {
  private readonly engine = new SafeTemplateEngine({ strict: true });

  constructor(private readonly d: ProvisioningDeps) {}

  /** The profile that applies to a node: its boot state's, else its inherited `osimage` attribute. */
  async profileOf(node: string): Promise<Profile | undefined> {
    const state = await this.d.store.bootStates.get(node);
    const name = state?.profile ?? (await this.d.inventory.getNode(node, { effective: true })).effective?.osimage;
    return name === undefined ? undefined : this.d.store.profiles.get(String(name));
  }

  /** Renders `template` (default: the node's profile template) for a node; the token is a placeholder unless given. */
  async render(nodeName: string, template?: string, token: string = PLACEHOLDER_TOKEN): Promise<{ template: string; text: string }> {
    const profile = await this.profileOf(nodeName);
    const name = template ?? profile?.template ?? undefined;
    if (!name) throw invalid(`node ${nodeName} has no profile with a template: name one`, 'template');
    const source = await this.d.templates.read(name);
    if (source === undefined) throw notFound(`template '${name}'`, 'template');
    const vars = await this.varsFor(nodeName, profile, token);
    try {
      return { template: name, text: this.engine.render(source, vars, { name }) };
    } catch (e) {
      if (e instanceof TemplateError) throw invalid(`${e.message}`, 'template', { node: nodeName, template: name, variable: e.variable ?? null, line: e.line });
      throw e;
    }
  }

  /**
   * Renders every applicable template for every node of a range, strictly, collecting missing variables with the
   * node and line: the node's profile template, or `template` for all of them when given.
   */
  async lint(range: string, template?: string, all = false): Promise<LintReport> {
    if (all) return this.lintAll(range);
    const names = await this.d.inventory.resolve(range);
    const skipped: LintReport['skipped'] = [];
    const sources = new Map<string, string>();
    const problems: LintResult[] = [];
    let checked = 0;
    for (const node of names) {
      const profile = await this.profileOf(node);
      const name = template ?? profile?.template ?? undefined;
      if (!name) { skipped.push({ node, reason: profile ? `profile ${profile.name} has no template` : 'no profile (boot state or osimage attribute)' }); continue; }
      if (!sources.has(name)) {
        const src = await this.d.templates.read(name);
        // A template named in the request must exist (404); one a profile names is a finding about those nodes.
        if (src === undefined && template !== undefined) throw notFound(`template '${name}'`, 'template');
        if (src !== undefined) sources.set(name, src);
      }
      checked++;
      if (!sources.has(name)) {
        problems.push({ node, template: name, problems: [{ variable: null, line: 0, message: `template '${name}' of profile ${profile?.name} not found` }] });
        continue;
      }
      problems.push(...lintTemplates(new Map([[name, sources.get(name)!]]), [{ name: node, vars: await this.varsFor(node, profile, PLACEHOLDER_TOKEN) }], this.engine));
    }
    return { checked, skipped, problems };
  }

  /** Every template of the source for every node of the range (each node with its own profile's variables). */
  private async lintAll(range: string): Promise<LintReport> {
    const names = await this.d.inventory.resolve(range);
    const sources = new Map<string, string>();
    for (const name of await this.d.templates.list()) sources.set(name, (await this.d.templates.read(name)) ?? '');
    const problems: LintResult[] = [];
    for (const node of names) {
      const vars = await this.varsFor(node, await this.profileOf(node), PLACEHOLDER_TOKEN);
      problems.push(...lintTemplates(sources, [{ name: node, vars }], this.engine));
    }
    return { checked: names.length * sources.size, skipped: [], problems };
  }

  private async varsFor(nodeName: string, profile: Profile | undefined, token: string): Promise<Record<string, unknown>> {
    const node = await this.d.inventory.getNode(nodeName, { effective: true });
    const site = (await this.d.inventory.getSite()).attrs;
    const p: Profile = profile ?? { name: '', kernel: '', initrd: null, cmdline: '', template: null, image: null, installTimeout: null, version: 0, createdAt: '', updatedAt: '' };
    const image = p.image && this.d.images ? await this.d.images.get(p.image) : undefined;
    return nodeTemplateVars({ node, site, profile: p, image, token, server: this.d.settings.httpBase });
  }
}
