// MAC normalisation: the accepted spellings and the refused ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../domain/errors.ts';
import { normalizeMac, normalizeMacList } from './mac.ts';

describe('normalizeMac', () => {
  const good: [string, string][] = [
    ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'],
    ['AA:BB:CC:DD:EE:FF', 'aa:bb:cc:dd:ee:ff'],
    ['aa-bb-cc-dd-ee-ff', 'aa:bb:cc:dd:ee:ff'],
    ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'],
    ['AABBCCDDEEFF', 'aa:bb:cc:dd:ee:ff'],
    [' 2:0:0:a:b:c ', '02:00:00:0a:0b:0c'],
  ];
  for (const [input, want] of good) it(`${JSON.stringify(input)} -> ${want}`, () => assert.equal(normalizeMac(input), want));

  const bad = ['', 'aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:ff:00', 'aa:bb-cc:dd:ee:ff', 'gg:bb:cc:dd:ee:ff', 'aabbccddeef', 'aa:bbb:cc:dd:ee:f'];
  for (const input of bad) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => normalizeMac(input, 'macs[2]'), (e) => e instanceof DomainError && e.kind === 'invalid' && e.field === 'macs[2]');
    });
  }

  it('a list may not name one MAC twice in two spellings', () => {
    assert.deepEqual(normalizeMacList(['AA:00:00:00:00:01', 'aa0000000002']), ['aa:00:00:00:00:01', 'aa:00:00:00:00:02']);
    assert.throws(() => normalizeMacList(['AA:00:00:00:00:01', 'aa-00-00-00-00-01']), (e) => e instanceof DomainError && e.field === 'macs[1]');
  });
});
