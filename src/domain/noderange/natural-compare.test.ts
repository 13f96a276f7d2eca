import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { naturalCompare } from './natural-compare.ts';

const sign = (n: number): number => Math.sign(n);

test('naturalCompare orders numbers by value', () => {
  const cases: [string, string, number][] = [
    ['n2', 'n10', -1],
    ['n10', 'n2', 1],
    ['n01', 'n1', -1], // numerically equal: plain string order breaks the tie ('0' < '1')
    ['n1', 'n1', 0],
    ['r1n10', 'r2n1', -1],
    ['r10n1', 'r2n99', 1],
    ['a', 'b', -1],
    ['n1', 'n1a', -1],
    ['n', 'n1', -1],
    ['node99999999999999999998', 'node99999999999999999999', -1],
    ['x9', 'x:', -1],
    ['', 'a', -1],
  ];
  for (const [a, b, want] of cases) assert.equal(sign(naturalCompare(a, b)), want, `${a} vs ${b}`);
});

test('naturalCompare sorts a typical node list', () => {
  const names = ['n10', 'n2', 'n1', 'login', 'n100', 'compute-3', 'compute-20'];
  assert.deepEqual([...names].sort(naturalCompare), ['compute-3', 'compute-20', 'login', 'n1', 'n2', 'n10', 'n100']);
});

test('naturalCompare is a total order (property)', () => {
  const str = fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', '2', '9', '-', ':'), maxLength: 6 });
  fc.assert(
    fc.property(str, str, str, (a, b, c) => {
      assert.equal(sign(naturalCompare(a, b)) + sign(naturalCompare(b, a)), 0);
      assert.equal(naturalCompare(a, b) === 0, a === b);
      if (naturalCompare(a, b) <= 0 && naturalCompare(b, c) <= 0) assert.ok(naturalCompare(a, c) <= 0);
    }),
    { numRuns: 3000 },
  );
});
