import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { parseNoderange } from './noderange-parser.ts';
import { printNoderange } from './noderange-printer.ts';

test('parseNoderange: operand kinds and canonical printing', () => {
  const cases: { text: string; kinds: string[][]; excludes: boolean[]; printed: string }[] = [
    { text: 'n01', kinds: [['name']], excludes: [false], printed: 'n01' },
    { text: 'n[01-10]', kinds: [['pattern']], excludes: [false], printed: 'n[01-10]' },
    { text: 'r[1-2]n[01-03]', kinds: [['pattern']], excludes: [false], printed: 'r[1-2]n[01-03]' },
    { text: 'n[1-3,7,09-10]', kinds: [['pattern']], excludes: [false], printed: 'n[1-3,7,09-10]' },
    { text: 'n01-n10', kinds: [['dash']], excludes: [false], printed: 'n01-n10' },
    { text: 'rack-a', kinds: [['name']], excludes: [false], printed: 'rack-a' },
    { text: 'node-1-2', kinds: [['name']], excludes: [false], printed: 'node-1-2' },
    { text: 'rack-1-rack-3', kinds: [['dash']], excludes: [false], printed: 'rack-1-rack-3' },
    { text: 'all,-rack2', kinds: [['all'], ['name']], excludes: [false, true], printed: 'all,-rack2' },
    { text: 'rack1 , -n05', kinds: [['name'], ['name']], excludes: [false, true], printed: 'rack1,-n05' },
    { text: 'rack1@compute', kinds: [['name', 'name']], excludes: [false], printed: 'rack1@compute' },
    { text: '-rack1@compute,n1', kinds: [['name', 'name'], ['name']], excludes: [true, false], printed: '-rack1@compute,n1' },
    { text: '/^n0[1-3]$/', kinds: [['regex']], excludes: [false], printed: '/^n0[1-3]$/' },
    { text: '/a[/]b/,x', kinds: [['regex'], ['name']], excludes: [false, false], printed: '/a[/]b/,x' },
    { text: '/n\\/x/', kinds: [['regex']], excludes: [false], printed: '/n\\/x/' },
    { text: ' \tn1 ', kinds: [['name']], excludes: [false], printed: 'n1' },
    { text: 'compute@/^n1/', kinds: [['name', 'regex']], excludes: [false], printed: 'compute@/^n1/' },
  ];
  for (const c of cases) {
    const ast = parseNoderange(c.text);
    assert.deepEqual(ast.terms.map((t) => t.operands.map((o) => o.kind)), c.kinds, c.text);
    assert.deepEqual(ast.terms.map((t) => t.exclude), c.excludes, c.text);
    assert.equal(printNoderange(ast), c.printed, c.text);
  }
});

test('parseNoderange: dash range keeps prefix and padding', () => {
  const op = parseNoderange('node008-node012').terms[0]?.operands[0];
  assert.deepEqual(op, { kind: 'dash', text: 'node008-node012', prefix: 'node', range: { from: '008', to: '012' }, count: 5, pos: 0 });
});

test('parseNoderange: syntax errors name the 1-based position with a caret', () => {
  const cases: { text: string; message: RegExp; position: number }[] = [
    { text: 'n01]x', message: /unexpected '\]' at position 4/, position: 4 },
    { text: 'n[01-10', message: /'\[' is never closed at position 2/, position: 2 },
    { text: 'n[01-1a]', message: /unexpected 'a' inside brackets at position 7/, position: 7 },
    { text: 'n[]', message: /empty range '\[\]' at position 2/, position: 2 },
    { text: 'n[5,]', message: /empty item in range at position 5/, position: 5 },
    { text: 'n[10-01]', message: /range '10-01' is reversed \(10 > 01\) at position 3/, position: 3 },
    { text: 'n10-n01', message: /range 'n10-n01' is reversed/, position: 1 },
    { text: 'n[1-100001]', message: /more than 100000 nodes/, position: 1 },
    { text: 'a[1-1000]b[1-1000]', message: /more than 100000 nodes/, position: 1 },
    { text: 'n1-n100001', message: /more than 100000 nodes/, position: 1 },
    { text: '', message: /empty noderange at position 1/, position: 1 },
    { text: '   ', message: /empty noderange/, position: 1 },
    { text: 'n1,', message: /unexpected end of noderange/, position: 4 },
    { text: ',n1', message: /unexpected ','/, position: 1 },
    { text: 'n1,,n2', message: /unexpected ','/, position: 4 },
    { text: 'n1 n2', message: /unexpected 'n2', expected ',' or '@'/, position: 4 },
    { text: 'n1@', message: /unexpected end/, position: 4 },
    { text: 'n1@-n2', message: /must start with a letter or digit/, position: 4 },
    { text: '--n1', message: /must start with a letter or digit/, position: 2 },
    { text: '.hidden', message: /must start with a letter or digit/, position: 1 },
    { text: 'n1;rm', message: /unexpected ';'/, position: 3 },
    { text: '/abc', message: /regex is never closed/, position: 1 },
    { text: '//', message: /empty regex/, position: 2 },
    { text: '/(a+)+$/', message: /nested quantifier/, position: 5 },
    { text: '/(a|aa)*/', message: /nested quantifier/, position: 7 },
    { text: '/(a)\\1/', message: /backreferences/, position: 5 },
    { text: '/a(/', message: /invalid regex/, position: 2 },
    { text: `/${'a'.repeat(257)}/`, message: /regex longer than 256/, position: 258 },
    { text: `n${'1'.repeat(20)}-n${'2'.repeat(20)}`, message: /too long/, position: 1 },
  ];
  for (const c of cases) {
    assert.throws(
      () => parseNoderange(c.text),
      (e: unknown) => {
        assert.ok(e instanceof DomainError, c.text);
        assert.equal(e.kind, 'invalid');
        assert.equal(e.field, 'noderange');
        assert.match(e.message, c.message, c.text);
        assert.equal(e.details?.position, c.position, `${c.text}: ${e.message}`);
        assert.equal(e.details?.noderange, c.text);
        return true;
      },
    );
  }
});

test('parseNoderange: the message shows the text and a caret under the fault', () => {
  try {
    parseNoderange('n[1-2],x]');
    assert.fail('should throw');
  } catch (e) {
    assert.equal((e as Error).message, "noderange: unexpected ']' at position 9\n  n[1-2],x]\n          ^");
  }
});

test('parseNoderange: accepts regex shapes that are safe', () => {
  for (const re of ['^n0[1-3]$', 'rack(1|2)n\\d+', '(ab)+', '^n\\d{2,3}$', '(n\\d?)+x', '[/]+']) {
    assert.equal(parseNoderange(`/${re}/`).terms[0]?.operands[0]?.kind, 'regex', re);
  }
});
