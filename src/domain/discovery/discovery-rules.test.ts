// Rules: every condition must hold, first by priority wins, validation names the bad field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { firstMatchingRule, ruleMatches, validateRule, type DiscoveryRule } from './discovery-rules.ts';
import { sampleFacts } from './sample-facts.ts';

const f = sampleFacts({ mac: '52:54:00:00:00:07', uuid: 'AAAAAAAA-2222-3333-4444-555555555555', serial: 'S1', cpu: 'Intel(R) Xeon(R) Gold 6230', memoryMiB: 4096, cores: 8 });

test('ruleMatches: each condition alone, and all together', () => {
  const cases: [Record<string, unknown>, boolean][] = [
    [{}, true],
    [{ mac: '52:54:00:00:00:07' }, true], [{ mac: '52:54:00:00:00:08' }, false],
    [{ uuid: 'aaaaaaaa-2222-3333-4444-555555555555' }, true], [{ uuid: 'bbbbbbbb-2222-3333-4444-555555555555' }, false],
    [{ serial: 'S1' }, true], [{ serial: 's1' }, false],
    [{ cpuModel: 'xeon' }, true], [{ cpuModel: 'EPYC' }, false],
    [{ vendor: 'acme' }, true], [{ vendor: 'dell' }, false],
    [{ minMemoryMiB: 4096 }, true], [{ minMemoryMiB: 4097 }, false], [{ maxMemoryMiB: 4095 }, false],
    [{ minCores: 8 }, true], [{ minCores: 9 }, false],
    [{ cpuModel: 'Xeon', minMemoryMiB: 1024, serial: 'S1' }, true], [{ cpuModel: 'Xeon', minMemoryMiB: 1024, serial: 'S2' }, false],
  ];
  for (const [match, want] of cases) assert.equal(ruleMatches(validateRule({ name: 'r', priority: 1, match, namePattern: 'n{#}', groups: [] }).match, f), want, JSON.stringify(match));
});

test('firstMatchingRule: lowest priority first, ties by name; none matching = undefined', () => {
  const r = (name: string, priority: number, match: Record<string, unknown>): DiscoveryRule => ({ name, priority, match, namePattern: 'n{#}', groups: [], createdAt: '' });
  assert.equal(firstMatchingRule([r('b', 5, {}), r('a', 5, {}), r('z', 1, { serial: 'nope' })], f)?.name, 'a');
  assert.equal(firstMatchingRule([r('b', 50, {}), r('c', 2, { minCores: 2 })], f)?.name, 'c');
  assert.equal(firstMatchingRule([r('x', 1, { serial: 'nope' })], f), undefined);
});

test('validateRule normalises MAC/UUID and refuses unknown conditions, bad names, groups and numbers', () => {
  const ok = validateRule({ name: 'by-mac', priority: 0, match: { mac: '52-54-00-00-00-07', uuid: 'AAAA' }, namePattern: 'node{###}', groups: ['compute'] });
  assert.deepEqual(ok.match, { mac: '52:54:00:00:00:07', uuid: 'aaaa' });
  const bad: [Record<string, unknown>, string][] = [
    [{ name: 'Bad Name' }, 'name'], [{ priority: -1 }, 'priority'], [{ match: { colour: 'red' } }, 'match.colour'],
    [{ match: { mac: 'zz' } }, 'match.mac'], [{ match: { minCores: 1.5 } }, 'match.minCores'], [{ groups: ['a b'] }, 'groups[0]'],
    [{ namePattern: 'n{?}' }, 'namePattern'],
  ];
  for (const [over, field] of bad) {
    const rule = { name: 'r', priority: 1, match: {}, namePattern: 'n{#}', groups: [], ...over } as Parameters<typeof validateRule>[0];
    assert.throws(() => validateRule(rule), (e: unknown) => e instanceof DomainError && e.field === field, JSON.stringify(over));
  }
});
