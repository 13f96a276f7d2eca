// Property tests for the noderange grammar: expansion counts, error discipline, set algebra, print/parse stability.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { expandNames } from './expand-names.ts';
import type { NoderangeAst } from './noderange-ast.ts';
import { parseNoderange } from './noderange-parser.ts';
import { printNoderange } from './noderange-printer.ts';
import { resolveNoderange } from './resolve-noderange.ts';

const prefix = fc.stringMatching(/^[a-z][a-z]{0,4}$/);

test('expanding a generated range gives the right count and padding', () => {
  fc.assert(
    fc.property(prefix, fc.nat(500), fc.nat(300), fc.integer({ min: 1, max: 5 }), fc.boolean(), (p, from, span, width, dash) => {
      const to = from + span;
      const f = String(from).padStart(width, '0');
      const text = dash ? `${p}${f}-${p}${to}` : `${p}[${f}-${to}]`;
      const names = expandNames(text);
      assert.equal(names.length, span + 1);
      assert.equal(names[0], p + f);
      assert.equal(names.at(-1), p + String(to).padStart(width, '0'));
      for (const n of names) assert.ok(n.length - p.length >= f.length, n);
    }),
    { numRuns: 300 },
  );
});

test('parsing arbitrary text throws nothing but DomainError invalid', () => {
  const nasty = fc.string({ unit: fc.constantFrom(...'n0123[]-,@/ \\()*+?{}|^$.a_'.split('')), maxLength: 40 });
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 60 }), nasty), (text) => {
      try {
        const ast = parseNoderange(text);
        assert.ok(ast.terms.length > 0);
      } catch (e) {
        assert.ok(e instanceof DomainError, `non-DomainError for ${JSON.stringify(text)}: ${String(e)}`);
        assert.equal(e.kind, 'invalid');
        assert.equal(typeof e.details?.position === 'number' || e.details?.position === undefined, true);
      }
    }),
    { numRuns: 3000 },
  );
});

// A universe of n0..n29, each in a random subset of g0..g4; terms are names, groups, all or a small regex.
const universe = fc.array(fc.subarray(['g0', 'g1', 'g2', 'g3', 'g4']), { minLength: 30, maxLength: 30 }).map((groups) => ({
  nodes: groups.map((g, i) => ({ name: `n${i}`, groups: g })),
}));
const operand = fc.oneof(
  fc.integer({ min: 0, max: 29 }).map((i) => `n${i}`),
  fc.constantFrom('g0', 'g1', 'g2', 'g3', 'g4', 'all', '/^n1/', '/[05]$/'),
);
const term = fc.record({ exclude: fc.boolean(), operands: fc.array(operand, { minLength: 1, maxLength: 3 }) });

test('union, exclusion and intersection behave like set algebra (left to right)', () => {
  fc.assert(
    fc.property(universe, fc.array(term, { minLength: 1, maxLength: 6 }), (u, terms) => {
      const model = (op: string): Set<string> => {
        const names = u.nodes.filter((n) =>
          op === 'all' ? true : op.startsWith('/') ? new RegExp(op.slice(1, -1)).test(n.name) : n.name === op || n.groups.includes(op),
        );
        return new Set(names.map((n) => n.name));
      };
      let want = new Set<string>();
      for (const t of terms) {
        const set = t.operands.map(model).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
        want = t.exclude ? new Set([...want].filter((x) => !set.has(x))) : new Set([...want, ...set]);
      }
      const text = terms.map((t) => (t.exclude ? '-' : '') + t.operands.join('@')).join(',');
      const got = resolveNoderange(text, u);
      const order = (s: Iterable<string>): string[] => [...s].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
      assert.deepEqual(got.nodes, order(want), text);
      // Groups nobody is in are unknown names.
      const used = new Set(u.nodes.flatMap((n) => n.groups));
      assert.deepEqual(got.unknown, [...new Set(terms.flatMap((t) => t.operands).filter((o) => /^g/.test(o) && !used.has(o)))]);
    }),
    { numRuns: 400 },
  );
});

const withoutPos = (ast: NoderangeAst): unknown => JSON.parse(JSON.stringify(ast, (k, v) => (k === 'pos' ? undefined : v)));

test('print then re-parse gives the same AST', () => {
  const num = fc.nat(120);
  const range = fc.tuple(num, fc.nat(20), fc.integer({ min: 1, max: 3 })).map(([a, s, w]) => `${String(a).padStart(w, '0')}-${a + s}`);
  const word = fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9_.]{0,8}(-[a-z]{1,3})?$/),
    fc.tuple(prefix, fc.array(range, { minLength: 1, maxLength: 2 }), fc.stringMatching(/^[a-z]{0,3}$/)).map(([p, rs, s]) => `${p}[${rs.join(',')}]${s}`),
    fc.tuple(prefix, num, fc.nat(50)).map(([p, a, s]) => `${p}${a}-${p}${a + s}`),
    fc.constantFrom('all', '/^n0[1-3]$/', '/a[/]b/', '/x\\/y/'),
  );
  const text = fc
    .array(fc.tuple(fc.boolean(), fc.array(word, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 5 })
    .map((ts) => ts.map(([ex, ops]) => (ex ? '-' : '') + ops.join(' @ ')).join(' , '));
  fc.assert(
    fc.property(text, (t) => {
      const ast = parseNoderange(t);
      const printed = printNoderange(ast);
      assert.deepEqual(withoutPos(parseNoderange(printed)), withoutPos(ast));
      assert.equal(printNoderange(parseNoderange(printed)), printed);
    }),
    { numRuns: 500 },
  );
});
