// lintTemplates: every template for every node, strict, every missing variable with its line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureVars, IMAGES } from './fixtures/install-fixtures.ts';
import { readShipped } from './fixtures/render-shipped.ts';
import { buildTemplateVars } from './install-template-vars.ts';
import { lintTemplates, type LintNode } from './lint-templates.ts';
import { SafeTemplateEngine } from './safe-template-engine.ts';
import { SHIPPED_TEMPLATES } from './shipped-templates.ts';

const engine = new SafeTemplateEngine({ strict: true });
const node = (name: string, attrs: Record<string, string>): LintNode => ({
  name,
  vars: buildTemplateVars({ node: { name, macs: ['52:54:00:00:00:01'], groups: [] }, attrs, site: {}, image: IMAGES.rhel!, token: 'abcdefghijklmnop', server: 'http://10.0.0.1:8080' }) as unknown as Record<string, unknown>,
});

describe('lintTemplates', () => {
  it('reports each missing variable with its line, per node and template, and skips clean pairs', () => {
    const templates = {
      'net.cfg': 'ip={{ node.ip }}\nmask={{ node.netmask }}\ngw={{ node.gateway | default(node.ip) }}\n',
      'ok.cfg': '{{ node.name }} {{ node.dns | default("") }}',
    };
    const result = lintTemplates(templates, [node('a', { ip: '10.0.0.5', netmask: '255.0.0.0' }), node('b', {})]);
    assert.deepEqual(result, [
      {
        node: 'b',
        template: 'net.cfg',
        problems: [
          { variable: 'node.ip', line: 1, message: "undefined variable 'node.ip'" },
          { variable: 'node.netmask', line: 2, message: "undefined variable 'node.netmask'" },
          { variable: 'node.ip', line: 3, message: "undefined variable 'node.ip'" },
        ],
      },
    ]);
  });

  it('reports syntax and sandbox problems with variable null', () => {
    const templates = new Map([['bad.cfg', 'a\n{% if node.ip %}'], ['evil.cfg', '{{ node.constructor }}']]);
    const result = lintTemplates(templates, [node('a', { ip: '10.0.0.5' })], engine);
    assert.deepEqual(
      result.map((r) => [r.template, r.problems.map((p) => [p.variable, p.line])]),
      [['bad.cfg', [[null, 2]]], ['evil.cfg', [[null, 1]]]],
    );
  });

  it('the shipped templates lint clean for the fixture nodes, and a node without rootpw.hash is caught everywhere it is needed', () => {
    const templates = Object.fromEntries(SHIPPED_TEMPLATES.map((t) => [t.path, readShipped(t.path)]));
    const fixtures = (['static', 'dhcp'] as const).map((k) => ({ name: k, vars: fixtureVars(k, IMAGES.rhel!) as unknown as Record<string, unknown> }));
    assert.deepEqual(lintTemplates(templates, fixtures, engine), []);
    const bare = lintTemplates(templates, [node('bare', {})], engine);
    assert.deepEqual(
      bare.map((r) => [r.template, [...new Set(r.problems.map((p) => p.variable))]]),
      [
        ['kickstart/rhel9.ks', ["node['rootpw.hash']"]],
        ['esxi/ks.cfg', ["node['rootpw.hash']"]],
        ['debian/preseed.cfg', ["node['rootpw.hash']"]],
        ['ubuntu/autoinstall.yaml', ["node['rootpw.hash']"]],
        ['cloud-init/user-data', ["node['rootpw.hash']"]],
      ],
    );
  });

  it('needs a strict engine', () => {
    assert.throws(() => lintTemplates({}, [], new SafeTemplateEngine({ strict: false })), TypeError);
  });
});
