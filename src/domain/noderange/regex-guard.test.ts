import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSafeRegex } from './regex-guard.ts';

test('compileSafeRegex: refuses ReDoS-prone shapes, accepts ordinary ones', () => {
  const cases: [string, string | null][] = [
    ['^n0[1-3]$', null],
    ['(\\d+){2}', null],
    ['(a+)?', null],
    ['[(]+', null],
    ['\\(a+\\)+', null],
    ['rack(1|2)n\\d+', null],
    ['(a+)+', 'nested quantifier'],
    ['(?:a+)+', 'nested quantifier'],
    ['((a+))+', 'nested quantifier'],
    ['(\\d+){1,9}', 'nested quantifier'],
    ['(a|b){2,}', 'nested quantifier'],
    ['(.*)*x', 'nested quantifier'],
    ['(a)\\1', 'backreferences'],
    ['(?<x>a)\\k<x>', 'backreferences'],
    ['', 'empty regex'],
    ['a'.repeat(257), 'longer than 256'],
    ['a(', 'invalid regex'],
  ];
  for (const [source, problem] of cases) {
    const r = compileSafeRegex(source);
    if (problem === null) assert.ok(r instanceof RegExp, `${source}: ${JSON.stringify(r)}`);
    else assert.ok(!(r instanceof RegExp) && r.problem.includes(problem), `${source}: ${JSON.stringify(r)}`);
  }
});

test('compileSafeRegex: an accepted pattern stays fast on the longest node name', () => {
  // 63 characters is the longest node name; patterns the guard lets through must not blow up on it.
  const name = 'a'.repeat(62) + '!';
  for (const source of ['a*a*a*$', '(a|b)?a+$', '\\w+\\d+$', '^(ab?)*c']) {
    const r = compileSafeRegex(source);
    if (!(r instanceof RegExp)) continue;
    const t0 = performance.now();
    r.test(name);
    assert.ok(performance.now() - t0 < 50, source);
  }
});
