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
    ['^r\\d+n\\d+$', null],
    ['a{0,10}b{0,10}c{0,10}d*e*', null],
    ['a*a*a*$', 'more than 2 unbounded quantifiers'],
    ['.*x.*y.*', 'more than 2 unbounded quantifiers'],
    ['a{0,60}b{0,60}c{0,60}', 'more than 2 unbounded quantifiers'],
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

test('compileSafeRegex: the worst accepted patterns stay fast on the longest node name', () => {
  // 63 characters is the longest node name. Patterns the guard lets through can still backtrack polynomially;
  // these are about the worst, and must stay far below a millisecond per name for 10,000 names to be quick.
  const names = ['a'.repeat(62) + '!', '0'.repeat(62) + '!', 'ab'.repeat(31) + '!'];
  for (const source of ['a*a*$', '\\w+\\d+$', '(a|b)?a+$', '^(ab?)*c', '.*a.*!!', '(?:ab)+(?:ab)+$']) {
    const r = compileSafeRegex(source);
    assert.ok(r instanceof RegExp, source);
    const c0 = process.cpuUsage();
    for (let k = 0; k < 10; k++) for (const n of names) r.test(n);
    const c = process.cpuUsage(c0);
    const perName = (c.user + c.system) / 1000 / 30;
    assert.ok(perName < 1, `${source}: ${perName} ms per name`);
  }
});
