// Tests of the built-in engine beyond the contract: exact positions, whitespace control, filters, limits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SafeTemplateEngine } from './safe-template-engine.ts';
import type { MissingVariable } from './template-engine.ts';
import { TemplateError } from './template-error.ts';

const strict = new SafeTemplateEngine({ strict: true });
const lenient = new SafeTemplateEngine({ strict: false });
const vars = { node: { name: 'n01', ip: '10.0.0.5', macs: ['aa:bb', 'cc:dd'], dns: '10.0.0.2, 10.0.0.3,' }, url: 'http://deb.example:8080/debian/' };

function error(f: () => unknown): TemplateError {
  try {
    f();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  assert.fail('expected a TemplateError');
}

describe('SafeTemplateEngine positions', () => {
  const cases: [string, string, number, number, string][] = [
    ['missing variable', 'ab\n  {{ node.nope }}', 2, 11, 'missing'],
    ['missing root', '{{ nope }}', 1, 4, 'missing'],
    ['unclosed output', 'x\n\n {{ node.ip', 3, 2, 'syntax'],
    ['bad character', '{{ node.ip $ }}', 1, 12, 'syntax'],
    ['unknown tag', '{% set x = 1 %}', 1, 4, 'syntax'],
    ['unknown filter', '{{ node.ip | shout }}', 1, 14, 'syntax'],
    ['unterminated string', "{{ 'abc }}", 1, 4, 'syntax'],
    ['endfor without for', '{% if true %}{% endfor %}', 1, 17, 'syntax'],
    ['elif after else', '{% if true %}{% else %}{% elif true %}{% endif %}', 1, 27, 'syntax'],
    ['reserved loop variable', '{% for loop in node.macs %}{% endfor %}', 1, 8, 'syntax'],
    ['for over a string', '{% for c in node.ip %}{% endfor %}', 1, 13, 'type'],
    ['compare string with number', '{% if node.ip > 3 %}{% endif %}', 1, 15, 'type'],
    ['function call', "{{ node.ip('x') }}", 1, 11, 'sandbox'],
  ];
  for (const [name, source, line, column, reason] of cases) {
    it(name, () => {
      const e = error(() => strict.render(source, vars, { name: 't.ks' }));
      assert.deepEqual([e.line, e.column, e.reason], [line, column, reason], e.message);
      assert.ok(e.message.startsWith(`t.ks:${line}:${column}: `), e.message);
      assert.equal(e.kind, 'invalid');
      assert.equal(e.field, 'template');
    });
  }
});

describe('SafeTemplateEngine whitespace', () => {
  const cases: [string, string, string][] = [
    ['indented block tags vanish with their line', 'a\n  {% for m in node.macs %}\n{{ m }}\n  {% endfor %}\nb', 'a\naa:bb\ncc:dd\nb'],
    ['inline tags keep the newline', 'x{% if true %}y{% endif %}\nz', 'xy\nz'],
    ['tag after output on a line is not alone', '{{ node.name }}{% if true %}!{% endif %}\n', 'n01!\n'],
    ['comment line vanishes', '{# note #}\nline\n', 'line\n'],
    ['CRLF lines', 'a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n', 'a\r\nb\r\n'],
    ['{%- strips before', 'a   \n  {%- if true %}b{% endif %}', 'ab'],
    ['-%} strips after', '{% if true -%}\n   b{% endif %}', 'b'],
    ['{{- and -}}', 'a \n {{- node.name -}} \n b', 'an01b'],
    ['last line without newline', 'a\n{% if true %}', 'a\n'],
  ];
  for (const [name, source, expected] of cases) {
    it(name, () => assert.equal(strict.render(source.endsWith('{% if true %}') ? `${source}{% endif %}` : source, vars), expected));
  }
});

describe('SafeTemplateEngine filters', () => {
  const cases: [string, string][] = [
    ["{{ node.dns | split(',') | json }}", '["10.0.0.2","10.0.0.3"]'],
    ["{{ node.dns | replace(',', ' ') | trim }}", '10.0.0.2  10.0.0.3'],
    ['{{ node.macs | length }} {{ node.ip | length }}', '2 8'],
    ['{{ node.macs | first }} {{ node.macs | last }}', 'aa:bb cc:dd'],
    ["{{ 'AbC' | lower }}", 'abc'],
    ["{{ '255.255.255.0' | prefixlen }} {{ '255.255.240.0' | prefixlen }} {{ '0.0.0.0' | prefixlen }} {{ '24' | prefixlen }}", '24 20 0 24'],
    ['{{ url | urlscheme }} {{ url | urlhost }} {{ url | urlpath }}', 'http deb.example:8080 /debian/'],
    ["{{ 'a b&c' | urlencode }}", 'a%20b%26c'],
    ['{{ node | json }}', JSON.stringify(vars.node)],
    ['{{ 3 | string }}{{ none | default(1) }}', '31'],
    ["{{ node.nope | default(node.other | default('deep')) }}", 'deep'],
  ];
  for (const [source, expected] of cases) it(source, () => assert.equal(strict.render(source, vars), expected));

  const bad = ["{{ '255.0.255.0' | prefixlen }}", "{{ 'x' | urlhost }}", "{{ node.ip | join(',') }}", "{{ node.ip | split('') }}", "{{ 'a' | replace }}"];
  for (const source of bad) it(`refuses ${source}`, () => assert.equal(error(() => strict.render(source, vars)).reason, 'type'));
});

describe('SafeTemplateEngine lenient mode', () => {
  it('reports every missing variable with its position, and filters read it as empty', () => {
    const seen: MissingVariable[] = [];
    const out = lenient.render('a{{ node.x | upper }}\n{% for m in node.list %}{{ m }}{% endfor %}{{ site.y }}', vars, { onMissing: (m) => seen.push(m) });
    assert.equal(out, 'a\n');
    assert.deepEqual(seen, [
      { variable: 'node.x', line: 1, column: 10 },
      { variable: 'node.list', line: 2, column: 18 },
      { variable: 'site', line: 2, column: 47 },
    ]);
  });

  it('a render option overrides the engine mode', () => {
    assert.equal(strict.render('{{ nope }}', vars, { strict: false }), '');
    assert.equal(error(() => lenient.render('{{ nope }}', vars, { strict: true })).variable, 'nope');
  });
});

describe('SafeTemplateEngine limits', () => {
  const small = new SafeTemplateEngine({ strict: true, limits: { maxOutputLength: 1000, maxIterations: 50, maxDepth: 20, maxSourceLength: 5000 } });
  const big = Array.from({ length: 100 }, (_, i) => i);
  const cases: [string, string, Record<string, unknown>][] = [
    ['output length', '{% for i in big %}0123456789-{% endfor %}', { big }],
    ['iterations across nested loops', '{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}', { l: big.slice(0, 8) }],
    ['intermediate string', "{{ s | replace('a', 'aaaaaaaaaa') | replace('a', 'aaaaaaaaaa') }}", { s: 'a'.repeat(50) }],
    ['concatenation', "{{ s ~ s ~ s }}", { s: 'x'.repeat(400) }],
    ['parentheses depth', `{{ ${'('.repeat(30)}1${')'.repeat(30)} }}`, {}],
    ['not chain depth', `{{ ${'not '.repeat(30)}true }}`, {}],
    ['filter chain depth', `{{ 'a'${' | upper'.repeat(30)} }}`, {}],
    ['block nesting', `${'{% if true %}'.repeat(30)}${'{% endif %}'.repeat(30)}`, {}],
    ['source length', 'x'.repeat(5001), {}],
  ];
  for (const [name, source, v] of cases) {
    it(name, () => assert.equal(error(() => small.render(source, v)).reason, 'limit'));
  }

  it('deep nesting far past the stack limit is refused, not a RangeError', () => {
    const deep = `{{ ${'('.repeat(100_000)}1${')'.repeat(100_000)} }}`;
    assert.equal(error(() => strict.render(deep, {})).reason, 'limit');
  });

  it('the defaults allow ordinary loops', () => {
    assert.equal(strict.render('{% for i in big %}.{% endfor %}', { big }).length, 100);
  });
});

describe('SafeTemplateEngine misc', () => {
  it('variables() keeps static paths and stops at computed keys; a loop variable shadows a global', () => {
    const source = '{% for node in nodes %}{{ node.ip }}{% endfor %}{{ node.macs[0] }}{{ node[key].x }}';
    assert.deepEqual(strict.variables(source), ['key', 'node', 'node.macs[0]', 'nodes']);
  });

  it('variables() of a broken template throws a TemplateError', () => {
    assert.equal(error(() => strict.variables('{% if %}')).reason, 'syntax');
  });

  it('renders the same source again with other variables (parse cache)', () => {
    const source = '{{ node.name }}';
    assert.equal(strict.render(source, vars), 'n01');
    assert.equal(strict.render(source, { node: { name: 'n02' } }), 'n02');
  });

  it('refuses variables that are not a plain object', () => {
    assert.throws(() => strict.render('x', [] as unknown as Record<string, unknown>), TypeError);
  });
});
