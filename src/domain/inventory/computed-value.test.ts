import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { evaluateExpr, parseExpr } from './arithmetic-expression.ts';
import { compileComputed, evaluateComputed, splitComputed } from './computed-value.ts';

test('splitComputed recognises the two forms and nothing else', () => {
  const cases: [string, ReturnType<typeof splitComputed>][] = [
    ['|node(\\d+)|10.0.0.($1+0)|', { delim: '|', regex: 'node(\\d+)', replacement: '10.0.0.($1+0)' }],
    ['|(a|b)(\\d+)|x$2|', { delim: '|', regex: '(a|b)(\\d+)', replacement: 'x$2' }],
    ['|[|]x|y|', { delim: '|', regex: '[|]x', replacement: 'y' }],
    ['/$/-bmc/', { delim: '/', regex: '$', replacement: '-bmc' }],
    ['/srv/tftp/', { delim: '/', regex: 'srv', replacement: 'tftp' }],
    ['/srv/tftp', undefined],
    ['/srv/tftp/boot/', undefined],
    ['10.0.0.1', undefined],
    ['||', undefined],
    ['|a|', undefined],
  ];
  for (const [input, want] of cases) assert.deepEqual(splitComputed(input), want, input);
  assert.equal(splitComputed(42), undefined);
});

test('computed values evaluate against the node name (xCAT examples)', () => {
  const cases: [string, string, string | undefined][] = [
    ['|node(\\d+)|10.0.0.($1+0)|', 'node07', '10.0.0.7'],
    ['|node(\\d+)|10.0.0.($1+0)|', 'node123', '10.0.0.123'],
    ['|\\D+(\\d+)|192.168.0.($1*2+100)|', 'n10', '192.168.0.120'],
    ['|n(\\d+)|10.0.(($1-1)/4+1).($1)|', 'n07', '10.0.2.7'],
    ['|n(\\d+)|10.0.(($1-1)/4+1).($1)|', 'n08', '10.0.2.8'],
    ['|n(\\d+)|10.0.(($1-1)/4+1).($1)|', 'n09', '10.0.3.9'],
    ['|r(\\d+)n(\\d+)|10.($1).($2+0).1|', 'r3n04', '10.3.4.1'],
    ['|n(\\d+)|($1%4)|', 'n10', '2'],
    ['|n(\\d+)|($1 - 20)|', 'n10', '-10'],
    ['|n(\\d+)|(-7/2).(-7%4).(7%-4).(7/2)|', 'n1', '-3.1.-1.3'], // Perl int() division and % (docs/attributes.md)
    ['|n(\\d+)|a\\|b\\$1|', 'n1', 'a|b$1'],
    ['|n(\\d+)|$1-bmc|', 'n10', '10-bmc'],
    ['|^(.*)$|$1-bmc|', 'n10', 'n10-bmc'],
    ['|n(\\d+)|\\(lit\\)$1|', 'n3', '(lit)3'],
    ['/$/-bmc/', 'n10', 'n10-bmc'],
    ['/^n/bmc/', 'n10', 'bmc10'],
    ['/n(\\d+)/10.1.0.$1/', 'n10', '10.1.0.10'],
    ['/n(\\d+)/($1+1)/', 'n10', '(10+1)'], // no arithmetic in the slash form
    ['|node(\\d+)|10.0.0.($1+0)|', 'login1', undefined],
    ['|n(\\d+)|($1/0)|', 'n3', undefined],
    ['|n(x)?(\\d)|($1+1)|', 'n3', undefined], // $1 did not participate
    ['|n(\\w+)|($1+1)|', 'nab', undefined], // not an integer
  ];
  for (const [expr, node, want] of cases) {
    const r = evaluateComputed(compileComputed(expr, 'attrs.x'), node);
    if (want === undefined) assert.ok('absent' in r && r.absent.length > 0, `${expr} on ${node}: ${JSON.stringify(r)}`);
    else assert.deepEqual(r, { value: want }, `${expr} on ${node}`);
  }
  const miss = evaluateComputed(compileComputed('|node(\\d+)|x|', 'f'), 'login1');
  assert.deepEqual(miss, { absent: "regex /node(\\d+)/ does not match node name 'login1'" });
});

test('compileComputed errors', () => {
  const cases: [string, RegExp][] = [
    ['|n(\\d+)|($1+)|', /expected a number, \$1\.\.\$9 or \( at end of expression/],
    ['|n(\\d+)|($1|', /never closed|not of the form/],
    ['|n(\\d+)|($0)|', /expected \$1\.\.\$9/],
    ['|n(\\d+)|($1 ** 2)|', /expected a number/],
    ['|n(\\d+)|(1 2)|', /unexpected character/],
    ['|n\\d+|$1|', /uses \$1 but the regex has 0 capture groups/],
    ['|(a*)*|x|', /nested quantifier/],
    ['plain', /not of the form/],
  ];
  for (const [expr, message] of cases) {
    assert.throws(() => compileComputed(expr, 'attrs.ip'), (e: unknown) => e instanceof DomainError && e.field === 'attrs.ip' && message.test(e.message), expr);
  }
});

test('arithmetic matches integer semantics (property)', () => {
  const perlMod = (a: number, b: number): number => a - b * Math.floor(a / b);
  fc.assert(
    fc.property(fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: -100, max: 100 }).filter((b) => b !== 0), fc.integer({ min: 0, max: 999 }), (a, b, c) => {
      const caps = [undefined, String(c)];
      assert.equal(evaluateExpr(parseExpr(`${a} + $1 * ${b}`), caps), a + c * b + 0);
      assert.equal(evaluateExpr(parseExpr(`(${a} - $1) * ${b}`), caps), (a - c) * b + 0); // + 0: no negative zero
      assert.equal(evaluateExpr(parseExpr(`${a} / ${b}`), caps), Math.trunc(a / b) + 0);
      assert.equal(evaluateExpr(parseExpr(`${a} % ${b}`), caps), perlMod(a, b) + 0);
      assert.equal(evaluateExpr(parseExpr(`-(${a})`), caps), -a + 0);
    }),
    { numRuns: 500 },
  );
});

test('the expression parser only ever throws its own syntax error', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789$+-*/%() x'.split('')), maxLength: 30 }), (s) => {
      try {
        const e = parseExpr(s);
        const v = evaluateExpr(e, ['', '5', '6']);
        assert.ok(typeof v === 'number' || typeof v === 'string');
      } catch (err) {
        assert.equal((err as Error).constructor.name, 'ExprSyntaxError', `${s}: ${String(err)}`);
      }
    }),
    { numRuns: 2000 },
  );
});
