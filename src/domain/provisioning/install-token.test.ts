// Install tokens: shape, uniqueness, hashing; durations for --expires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken, mintToken, parseDuration, TOKEN_SHAPE } from './install-token.ts';

test('tokens are 32 random bytes in base64url, hashed with SHA-256', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const t = mintToken();
    assert.match(t, TOKEN_SHAPE);
    assert.equal(Buffer.from(t, 'base64url').length, 32);
    seen.add(t);
  }
  assert.equal(seen.size, 1000);
  assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('parseDuration', () => {
  const cases: [string, number | undefined][] = [['90', 90_000], ['90s', 90_000], ['30m', 1_800_000], ['3h', 10_800_000], ['2d', 172_800_000], ['', undefined], ['1w', undefined], ['-5m', undefined], ['1.5h', undefined]];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});
