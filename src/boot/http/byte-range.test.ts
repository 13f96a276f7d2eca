import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseByteRange } from './byte-range.ts';

const cases: [string | undefined, number, ReturnType<typeof parseByteRange>][] = [
  [undefined, 100, { kind: 'full' }],
  ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 9 }],
  ['bytes=90-', 100, { kind: 'partial', start: 90, end: 99 }],
  ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
  ['bytes=-1000', 100, { kind: 'partial', start: 0, end: 99 }],
  ['bytes=50-1000', 100, { kind: 'partial', start: 50, end: 99 }],
  ['bytes=100-', 100, { kind: 'unsatisfiable' }],
  ['bytes=9-3', 100, { kind: 'unsatisfiable' }],
  ['bytes=-0', 100, { kind: 'unsatisfiable' }],
  ['bytes=0-1,5-6', 100, { kind: 'full' }],
  ['items=0-1', 100, { kind: 'full' }],
];
for (const [header, size, expected] of cases) {
  test(`Range ${header ?? '(none)'} of ${size} bytes`, () => assert.deepEqual(parseByteRange(header, size), expected));
}
