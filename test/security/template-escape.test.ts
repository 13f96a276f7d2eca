// The template sandbox under escape attempts: every attempt ends in a TemplateError, nothing a caller left in the
// variables (functions, getters, toJSON) ever runs, no global is ever touched, and limits stop runaway templates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SafeTemplateEngine } from '../../src/domain/templates/safe-template-engine.ts';
import { TemplateError } from '../../src/domain/templates/template-error.ts';

const CANARY = '__stage0_template_escape_canary__';
const g = globalThis as Record<string, unknown>;

/** Variables laced with traps: if the engine ever runs caller code, `ran` counts it. */
function trappedVars() {
  const ran = { count: 0 };
  const trap = () => {
    ran.count++;
    g[CANARY] = true;
    return 'pwned';
  };
  const getterObj = { plain: 1 };
  Object.defineProperty(getterObj, 'x', { get: trap, enumerable: true });
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const vars = {
    node: { name: 'n1', ip: '10.0.0.5', macs: ['52:54:00:00:00:01'], attrs: { 'bmc.address': '10.1.0.5' } },
    getterObj,
    withToJson: { toJSON: trap, a: 1 },
    nestedGetter: { deep: { deeper: getterObj } },
    listOfGetters: [getterObj],
    fn: trap,
    cyclic,
    date: new Date(0),
    map: new Map([['a', 1]]),
    buf: Buffer.from('x'),
    s: 'text',
  };
  return { vars, ran };
}

/** Sources that try to leave the sandbox; each must fail with a TemplateError. */
const ESCAPES = [
  '{{ __proto__ }}', '{{ __proto__ | json }}', '{{ constructor }}', '{{ constructor | json }}', "{{ 'x' in __proto__ }}",
  '{{ node.__proto__ }}', "{{ node['__proto__'] }}", "{{ node['__pro' ~ 'to__'] }}", '{{ node.constructor }}',
  "{{ node.constructor.constructor('return process')() }}", "{{ s.constructor.constructor('return process')() }}",
  "{{ ''.constructor }}", "{{ [].constructor }}", '{{ node.macs.constructor }}', "{{ node.macs['constructor'] }}",
  '{{ prototype }}', '{{ node.prototype }}', '{{ s.toString }}', '{{ s.valueOf }}', '{{ node.hasOwnProperty }}',
  '{{ node.__defineGetter__ }}', '{{ node.__lookupGetter__ }}', '{{ node.isPrototypeOf }}', '{{ node.toLocaleString }}',
  '{{ globalThis }}', '{{ global }}', '{{ process }}', '{{ process.env }}', "{{ process.mainModule.require('fs') }}",
  "{{ require('child_process') }}", "{{ import('fs') }}", '{{ module }}', '{{ exports }}', "{{ eval('1') }}",
  "{{ Function('return this')() }}", '{{ this }}', '{{ Object }}', '{{ Reflect }}', '{{ Buffer }}', '{{ fetch }}',
  '{{ setTimeout }}', '{{ Symbol }}', '{{ Promise }}', '{{ WebAssembly }}', "{{ node | replace('a') }}",
  '{{ fn }}', '{{ fn() }}', '{{ getterObj.x }}', '{{ getterObj | json }}', '{{ withToJson | json }}',
  '{{ nestedGetter | json }}', '{{ listOfGetters | json }}', '{{ nestedGetter.deep.deeper.x }}', '{{ cyclic | json }}',
  '{{ date }}', '{{ map }}', '{{ buf }}', '{{ date | json }}', '{{ buf | json }}', '{{ s | nosuchfilter }}',
  '{{ s | constructor }}', '{{ s | __proto__ }}', '{{ s | toString }}', '{% for k in __proto__ %}{{ k }}{% endfor %}',
  '{% for k in constructor %}{% endfor %}', '{% set x = 1 %}', '{% include "/etc/passwd" %}', '{% import "fs" as fs %}',
  '{% macro m() %}{% endmacro %}', '{{ node.name.__class__ }}', '{{ self }}', '{{ ns.__init__ }}',
  '{{ node.attrs["bmc.address"].constructor }}', '{{ `x` }}', '{{ ${process} }}', '{{ node?.constructor }}',
];

/** Sources that try to exhaust the process; the engine's limits must stop each with a TemplateError. */
const RUNAWAYS: [string, string][] = [
  ['deep block nesting', '{% if true %}'.repeat(5000) + 'x' + '{% endif %}'.repeat(5000)],
  ['deep parentheses', `{{ ${'('.repeat(10_000)}1${')'.repeat(10_000)} }}`],
  ['deep not', `{{ ${'not '.repeat(10_000)}1 }}`],
  ['deep filter chain', `{{ s${' | upper'.repeat(10_000)} }}`],
  ['deep concatenation', `{{ s${' ~ s'.repeat(10_000)} }}`],
  ['deep list literal', `{{ ${'['.repeat(10_000)}${']'.repeat(10_000)} | json }}`],
  ['huge nested loops', '{% for a in big %}{% for b in big %}{% for c in big %}x{% endfor %}{% endfor %}{% endfor %}'],
  ['long output', `{% for a in big %}{{ long }}{% endfor %}`],
  ['exponential growth by concatenation', `{{ ${Array.from({ length: 40 }, () => 'long').join(' ~ ')} }}`],
  ['huge source', `${'x'.repeat(300 * 1024)}`],
];

describe('template sandbox: no escapes', () => {
  const engines = [new SafeTemplateEngine({ strict: true }), new SafeTemplateEngine({ strict: false })];

  for (const source of ESCAPES) {
    it(`refused: ${source}`, () => {
      delete g[CANARY];
      const { vars, ran } = trappedVars();
      for (const engine of engines) {
        assert.throws(() => engine.render(source, vars, { onMissing: () => {} }), TemplateError, `${engine.strict ? 'strict' : 'lenient'} rendered it`);
      }
      assert.equal(ran.count, 0, 'caller code ran');
      assert.equal(g[CANARY], undefined, 'a global was written');
    });
  }

  for (const [what, source] of RUNAWAYS) {
    it(`stopped by a limit: ${what}`, () => {
      const vars = { s: 'ab', big: Array.from({ length: 1000 }, (_, i) => i), long: 'y'.repeat(100_000) };
      // The limit is the behaviour asserted (a TemplateError naming it); how fast it trips is not (timings vary by host).
      assert.throws(() => engines[0]!.render(source, vars), (e: unknown) => e instanceof TemplateError && /longer|deeper|nested|iterations|limit|too long|larger/i.test(e.message));
    });
  }

  it('ordinary data still renders (the traps are not what makes the tests pass)', () => {
    const { vars, ran } = trappedVars();
    assert.equal(engines[0]!.render("{{ node.name }} {{ node.attrs['bmc.address'] }} {{ node.macs | json }} {{ node.attrs | json }}", vars), 'n1 10.1.0.5 ["52:54:00:00:00:01"] {"bmc.address":"10.1.0.5"}');
    assert.equal(ran.count, 0);
  });

  it('fuzz: random mixes of escape fragments never run caller code and fail only with TemplateError', () => {
    const FRAGMENTS = ['{{', '}}', '{%', '%}', ' for x in ', ' endfor ', ' if ', ' endif ', '.', '[', ']', '(', ')', '|', ' json', ' join(', '~', "'", '__proto__', 'constructor', 'prototype', 'process', 'globalThis', 'require', 'import', 'fn', 'getterObj', 'withToJson', 'cyclic', 'x', 'node', 'toString', "'__pro'", "'to__'", ' in ', ' not ', 'true', 'none', ',', ' '];
    const source = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((a) => a.join(''));
    let rendered = 0;
    fc.assert(
      fc.property(source, (src) => {
        delete g[CANARY];
        const { vars, ran } = trappedVars();
        for (const engine of engines) {
          try {
            engine.render(src, vars, { onMissing: () => {} });
            rendered++;
          } catch (e) {
            if (!(e instanceof TemplateError)) throw new Error(`non-TemplateError for ${JSON.stringify(src)}: ${String(e)}`);
          }
        }
        return ran.count === 0 && g[CANARY] === undefined;
      }),
      { numRuns: 3000, seed: 6 },
    );
    assert.ok(rendered > 100, `some sources rendered (${rendered}), so rendering is exercised`);
  });
});
