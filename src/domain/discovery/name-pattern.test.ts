// Name patterns: next free number, facts placeholders, refusal of patterns and names that cannot work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { checkNamePattern, renderNodeName } from './name-pattern.ts';
import { sampleFacts } from './sample-facts.ts';

const facts = sampleFacts({ serial: 'SN 12/AB', mac: '52:54:00:AA:BB:0C' });

test('renderNodeName fills placeholders; {###} takes the lowest free number with at least that many digits', () => {
  const cases: [string, string[], string][] = [
    ['node{###}', [], 'node001'],
    ['node{###}', ['node001', 'node002', 'node004'], 'node003'],
    ['node{#}', ['node1', 'node2', 'node3', 'node4', 'node5', 'node6', 'node7', 'node8', 'node9'], 'node10'],
    ['r1-{##}', ['node001'], 'r1-01'],
    ['{serial}', [], 'sn-12-ab'],
    ['host-{mac}', [], 'host-525400aabb0c'],
    ['{uuid}', [], '11111111-2222-3333-4444-555555555555'],
    ['{serial}-{##}', ['sn-12-ab-01'], 'sn-12-ab-02'],
  ];
  for (const [pattern, taken, want] of cases) assert.equal(renderNodeName(pattern, facts, (n) => taken.includes(n)), want, pattern);
});

test('bad patterns and impossible names are refused with field namePattern', () => {
  for (const bad of ['', 'node{x}', 'n{#}{##}', 'Node{#}', 'a b{#}', 'x'.repeat(64), 'node_{#}']) {
    assert.throws(() => checkNamePattern(bad), (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.field === 'namePattern', bad);
  }
  assert.throws(() => renderNodeName('{serial}', sampleFacts({ serial: '' }), () => false), /did not report/);
  for (const junk of ['To be filled by O.E.M.', 'Not Specified', 'Default string', '0000000', 'System Serial Number']) {
    assert.throws(() => renderNodeName('{serial}', sampleFacts({ serial: junk }), () => false), /did not report/, junk);
  }
  assert.throws(() => renderNodeName('fixed', facts, (n) => n === 'fixed'), /already taken/);
  assert.throws(() => renderNodeName('{serial}', sampleFacts({ serial: '///' }), () => false), /did not report|not a valid host name/);
});
