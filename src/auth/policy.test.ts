// The policy table's decision: first matching row by priority, subjects, command globs, noderange limits, default deny.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PolicyRow } from './auth-store.ts';
import { BUILT_IN_POLICY, commandMatches, decide, type Principal } from './policy.ts';

const rows: PolicyRow[] = [
  ...BUILT_IN_POLICY.map((r, i) => ({ ...r, id: i + 1 })),
  { id: 10, priority: 5, subject: 'user:mallory', commands: ['*'], noderange: null, effect: 'deny', comment: null },
  { id: 11, priority: 40, subject: 'group:ops', commands: ['rpower', 'nodels'], noderange: 'rack2', effect: 'allow', comment: null },
  { id: 12, priority: 45, subject: 'group:ops', commands: ['rpower'], noderange: 'rack3', effect: 'allow', comment: null },
  { id: 13, priority: 50, subject: 'group:ops', commands: ['rpower'], noderange: 'r2n05', effect: 'deny', comment: null },
];
const racks: Record<string, string[]> = {
  rack2: ['r2n01', 'r2n02', 'r2n05'],
  rack3: ['r3n01'],
  r2n05: ['r2n05'],
};
const resolve = async (range: string) => racks[range] ?? range.split(',');

const admin: Principal = { name: 'root', roles: ['admin'], groups: [] };
const viewer: Principal = { name: 'vic', roles: ['viewer'], groups: [] };
const ops: Principal = { name: 'olga', roles: [], groups: ['ops'] };
const mallory: Principal = { name: 'mallory', roles: ['admin'], groups: [] };
const nobody: Principal = { name: 'nina', roles: [], groups: [] };

const cases: [string, Principal, string, string[] | undefined, boolean, RegExp?][] = [
  ['admin may do anything', admin, 'rpower', ['r3n01'], true],
  ['a deny row of higher priority beats the admin role', mallory, 'nodels', undefined, false, /row 10/],
  ['viewer reads', viewer, 'nodels', ['r2n01'], true],
  ['viewer reads anything named *.read', viewer, 'audit.read', undefined, true],
  ['viewer may not change', viewer, 'nodech', ['r2n01'], false, /no policy row/],
  ['everyone manages their own login', nobody, 'auth.self', undefined, true],
  ['no row: deny', nobody, 'nodels', undefined, false, /no policy row allows nina to run nodels/],
  ['ops may power rack2', ops, 'rpower', ['r2n01', 'r2n02'], true],
  ['ops may power rack3 through a second row', ops, 'rpower', ['r3n01'], true],
  ['ops may not power across rack2 and elsewhere: the row names the outside nodes', ops, 'rpower', ['r2n01', 'r9n01'], false, /only on rack2; not on r9n01/],
  ['ops may not power outside any of their racks: the refusal names the nodes', ops, 'rpower', ['r9n01'], false, /no policy row allows olga to run rpower on r9n01/],
  ['ops rights on rack2 do not cover commands without nodes', ops, 'rpower', undefined, false],
  ['ops may not run other commands on rack2', ops, 'noderm', ['r2n01'], false],
];

describe('policy decision', () => {
  for (const [what, who, command, nodes, allowed, says] of cases) {
    test(what, async () => {
      const d = await decide(rows, who, command, nodes, resolve);
      assert.equal(d.allowed, allowed, d.reason);
      if (says) assert.match(d.reason, says);
    });
  }

  test('the denied nodes are listed for the 403', async () => {
    const d = await decide(rows, ops, 'rpower', ['r2n01', 'x1', 'x2'], resolve);
    assert.deepEqual(d.outside, ['x1', 'x2']);
    assert.equal(d.row?.id, 11);
  });

  test('priority, not row order, decides; ties go to the older row', async () => {
    const shuffled: PolicyRow[] = [
      { id: 2, priority: 1, subject: '*', commands: ['x'], noderange: null, effect: 'deny', comment: null },
      { id: 1, priority: 1, subject: '*', commands: ['x'], noderange: null, effect: 'allow', comment: null },
      { id: 3, priority: 0, subject: 'user:nina', commands: ['x'], noderange: null, effect: 'allow', comment: null },
    ];
    assert.equal((await decide(shuffled, nobody, 'x', undefined, resolve)).row?.id, 3);
    assert.equal((await decide(shuffled, viewer, 'x', undefined, resolve)).row?.id, 1);
  });

  const globs: [string, string, boolean][] = [
    ['*', 'anything', true], ['*.read', 'audit.read', true], ['*.read', 'audit.readx', false], ['*.read', 'read', false],
    ['node*', 'nodels', true], ['nodels', 'nodels', true], ['nodels', 'nodel', false], ['a.b', 'axb', false],
  ];
  for (const [pattern, command, expected] of globs) test(`'${pattern}' ${expected ? 'matches' : 'does not match'} '${command}'`, () => assert.equal(commandMatches(pattern, command), expected));
});
