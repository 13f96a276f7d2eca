// The one test suite every TemplateEngine adapter must pass: rendering, strict/lenient, variables(), sandbox.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TemplateEngine, TemplateEngineOptions } from './template-engine.ts';
import { TemplateError } from './template-error.ts';

export type EngineFactory = (options: TemplateEngineOptions) => TemplateEngine;

const vars = () => ({
  node: { name: 'n01', ip: '10.0.0.5', macs: ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02'], groups: ['compute'], 'bmc.address': '10.9.0.5', mtu: 9000, up: true },
  site: { domain: 'lab.example' },
  callback: 'http://10.0.0.1:8080/cb/tok',
  empty: [],
});

/** [name, source, expected output] rendered strictly with vars(). */
export const RENDER_CASES: readonly [string, string, string][] = [
  ['plain text', 'hello\n', 'hello\n'],
  ['variable', '{{ node.ip }}', '10.0.0.5'],
  ['bracket key with a dot', "{{ node['bmc.address'] }}", '10.9.0.5'],
  ['list index', '{{ node.macs[1] }}', 'aa:bb:cc:dd:ee:02'],
  ['number and boolean', '{{ node.mtu }} {{ node.up }}', '9000 true'],
  ['default on missing', "{{ node.dns | default('8.8.8.8') }}", '8.8.8.8'],
  ['default on present', "{{ node.ip | default('x') }}", '10.0.0.5'],
  ['join', "{{ node.macs | join(',') }}", 'aa:bb:cc:dd:ee:01,aa:bb:cc:dd:ee:02'],
  ['upper', '{{ node.name | upper }}', 'N01'],
  ['quote', "{{ \"it's\" | quote }}", `'it'\\''s'`],
  ['chained filters', "{{ node.macs | join('-') | upper }}", 'AA:BB:CC:DD:EE:01-AA:BB:CC:DD:EE:02'],
  ['concatenation', "{{ callback ~ '/done' }}", 'http://10.0.0.1:8080/cb/tok/done'],
  ['if true', '{% if node.up %}yes{% endif %}', 'yes'],
  ['if/elif/else', "{% if node.ip == 'x' %}a{% elif node.mtu > 1500 %}b{% else %}c{% endif %}", 'b'],
  ['else branch', '{% if node.mtu < 10 %}a{% else %}c{% endif %}', 'c'],
  ['is defined', '{% if node.dns is defined %}a{% else %}b{% endif %}', 'b'],
  ['is not defined', '{% if node.dns is not defined %}a{% endif %}', 'a'],
  ['in list', "{% if 'compute' in node.groups %}c{% endif %}", 'c'],
  ['not in', "{% if 'gpu' not in node.groups %}n{% endif %}", 'n'],
  ['and/or/not', '{% if node.up and not (node.mtu < 10) or false %}t{% endif %}', 't'],
  ['for', '{% for m in node.macs %}[{{ m }}]{% endfor %}', '[aa:bb:cc:dd:ee:01][aa:bb:cc:dd:ee:02]'],
  ['for over empty', '{% for m in empty %}x{% endfor %}.', '.'],
  ['loop.index and loop.last', '{% for m in node.macs %}{{ loop.index }}{% if not loop.last %},{% endif %}{% endfor %}', '1,2'],
  ['nested for', '{% for a in [1, 2] %}{% for b in node.groups %}{{ a }}{{ b }};{% endfor %}{% endfor %}', '1compute;2compute;'],
  ['block tag lines vanish', 'a\n{% if node.up %}\nb\n{% endif %}\nc\n', 'a\nb\nc\n'],
  ['comment', 'a{# ignored #}b', 'ab'],
  ['string escapes', "{{ 'a\\tb' }}", 'a\tb'],
];

/** Each must throw TemplateError in strict AND lenient mode; none may print anything from outside the variables. */
export const ESCAPE_ATTEMPTS: readonly [string, string][] = [
  ['constructor of a map', '{{ node.constructor }}'],
  ['constructor by bracket', "{{ node['constructor'] }}"],
  ['constructor of a string', '{{ node.name.constructor }}'],
  ['constructor of a literal', "{{ ''.constructor }}"],
  ['Function via constructor chain', "{{ ''.constructor.constructor('return process')() }}"],
  ['__proto__', '{{ node.__proto__ }}'],
  ['__proto__ by bracket', "{{ node['__proto__'] }}"],
  ['__proto__ of a list', '{{ node.macs.__proto__ }}'],
  ['computed constructor key', "{{ node['con' ~ 'structor'] }}"],
  ['key from a loop variable', "{% for k in ['__proto__'] %}{{ node[k] }}{% endfor %}"],
  ['constructor of a missing variable', '{{ nothing.constructor }}'],
  ['Object.prototype method', '{{ node.toString }}'],
  ['hasOwnProperty', "{{ node.hasOwnProperty('ip') }}"],
  ['process', '{{ process }}'],
  ['process.env', '{{ process.env.HOME }}'],
  ['process.mainModule', "{{ process.mainModule.require('child_process') }}"],
  ['globalThis', '{{ globalThis }}'],
  ['global', '{{ global.process }}'],
  ['require', "{{ require('fs') }}"],
  ['import', "{{ import('fs') }}"],
  ['this', '{{ this }}'],
  ['eval', "{{ eval('1') }}"],
  ['Function', '{{ Function }}'],
  ['in a condition', '{% if process %}x{% endif %}'],
  ['as a loop source', '{% for x in process.argv %}{{ x }}{% endfor %}'],
  ['as a filter argument', "{{ node.ip | default(process.env) }}"],
];

export function runTemplateEngineContract(adapter: string, make: EngineFactory): void {
  describe(`TemplateEngine contract: ${adapter}`, () => {
    const strict = make({ strict: true });
    const lenient = make({ strict: false });

    for (const [name, source, expected] of RENDER_CASES) {
      it(`renders: ${name}`, () => assert.equal(strict.render(source, vars()), expected));
    }

    it('strict mode names the missing variable and its line', () => {
      const err = catchError(() => strict.render('a\nb {{ node.hostname }}\n', vars()));
      assert.ok(err instanceof TemplateError, String(err));
      assert.equal(err.reason, 'missing');
      assert.equal(err.variable, 'node.hostname');
      assert.equal(err.line, 2);
      assert.ok(err.column >= 1);
      assert.match(err.message, /node\.hostname/);
    });

    it('strict mode refuses a missing variable in a condition', () => {
      const err = catchError(() => strict.render('{% if node.hostnme %}x{% endif %}', vars()));
      assert.ok(err instanceof TemplateError && err.variable === 'node.hostnme', String(err));
    });

    it('lenient mode prints a missing variable as empty', () => {
      assert.equal(lenient.render('[{{ node.hostname }}]{% if nothing %}x{% endif %}', vars()), '[]');
    });

    it('a syntax error is a TemplateError with its line', () => {
      for (const [source, line] of [['x\n{% if %}', 2], ['{{ node.ip', 1], ['a\nb\n{% for x in node.macs %}', 3], ['{% endif %}', 1]] as const) {
        const err = catchError(() => strict.render(source, vars()));
        assert.ok(err instanceof TemplateError, `${source}: ${String(err)}`);
        assert.equal(err.line, line, source);
      }
    });

    it('a list does not print implicitly', () => {
      assert.ok(catchError(() => strict.render('{{ node.macs }}', vars())) instanceof TemplateError);
    });

    it('variables() lists what a template reads, without loop variables', () => {
      const source = "{{ node.ip }} {{ node['bmc.address'] }}{% for m in node.macs %}{{ m }}{{ loop.index }}{% endfor %}{{ callback ~ '/x' }}{% if site.ntp is defined %}{% endif %}";
      assert.deepEqual(strict.variables(source), ['callback', 'node.ip', 'node.macs', "node['bmc.address']", 'site.ntp']);
    });

    for (const [name, source] of ESCAPE_ATTEMPTS) {
      it(`sandbox: ${name}`, () => {
        for (const engine of [strict, lenient]) {
          let out: string | undefined;
          const err = catchError(() => {
            out = engine.render(source, vars());
          });
          assert.equal(out, undefined, `rendered ${JSON.stringify(out)}`);
          assert.ok(err instanceof TemplateError, `${engine.strict ? 'strict' : 'lenient'}: ${String(err)}`);
          assert.ok(err.line >= 1 && err.column >= 1);
        }
      });
    }

    it('sandbox: functions, class instances and getters in the variables are not reachable', () => {
      let getterRuns = 0;
      const hostile = {
        f: () => 'called',
        when: new Date(0),
        get secret() {
          getterRuns++;
          return 'secret';
        },
      };
      for (const source of ['{{ f }}', '{{ when }}', '{{ secret }}', '{{ f.name }}']) {
        const err = catchError(() => strict.render(source, hostile));
        assert.ok(err instanceof TemplateError, `${source}: ${String(err)}`);
      }
      assert.equal(getterRuns, 0);
    });
  });
}

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
