import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { expandNames } from './expand-names.ts';

test('expandNames: names and ranges', () => {
  const cases: [string, string[]][] = [
    ['n01', ['n01']],
    ['n[01-03]', ['n01', 'n02', 'n03']],
    ['n[8-11]', ['n8', 'n9', 'n10', 'n11']],
    ['n[008-010]', ['n008', 'n009', 'n010']],
    ['r[1-2]n[01-02]', ['r1n01', 'r1n02', 'r2n01', 'r2n02']],
    ['n[1,3,5-6]', ['n1', 'n3', 'n5', 'n6']],
    ['n01-n03', ['n01', 'n02', 'n03']],
    ['node9-node11', ['node9', 'node10', 'node11']],
    ['rack-1-rack-2', ['rack-1', 'rack-2']],
    ['n[01-05],-n03', ['n01', 'n02', 'n04', 'n05']],
    ['n[01-05],-n[02-03]', ['n01', 'n04', 'n05']],
    ['n10, n2 ,n2', ['n2', 'n10']],
    ['n[1-3]-eth0', ['n1-eth0', 'n2-eth0', 'n3-eth0']],
    ['login', ['login']],
  ];
  for (const [text, want] of cases) assert.deepEqual(expandNames(text), want, text);
});

test('expandNames: refuses what only makes sense for existing nodes', () => {
  const cases: [string, RegExp][] = [
    ['all', /'all' means existing nodes; new nodes need explicit names/],
    ['/^n/', /regex.*new nodes need explicit names/],
    ['rack1@compute', /'@' intersects groups/],
    ['n[01-05],-rack2', /'-rack2' excludes nothing listed before it \(a group\?\)/],
    [`n${'x'.repeat(63)}`, /not a valid node name/],
    ['a[0-99999],b[0-1]', /more than 100000 names/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => expandNames(text), (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && message.test(e.message), text);
  }
});

test('expandNames: with isGroup, a known group is refused, included or excluded', () => {
  const isGroup = (n: string): boolean => n === 'compute';
  assert.deepEqual(expandNames('n[1-2],computer', { isGroup }), ['computer', 'n1', 'n2']);
  for (const text of ['compute', 'n[1-3],-compute']) {
    assert.throws(() => expandNames(text, { isGroup }), (e: unknown) => e instanceof DomainError && /'compute' is a group; new nodes need explicit names/.test(e.message), text);
  }
});
