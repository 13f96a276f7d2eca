// scrypt password hashes: verify, refuse wrong passwords and tampered hashes, carry their parameters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from './password-hash.ts';

describe('password hashing (scrypt)', () => {
  test('a hash verifies its password only, and two hashes of one password differ (random salt)', async () => {
    const h1 = await hashPassword('correct horse battery staple');
    const h2 = await hashPassword('correct horse battery staple');
    assert.notEqual(h1, h2);
    assert.match(h1, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.equal(await verifyPassword('correct horse battery staple', h1), true);
    for (const wrong of ['correct horse battery stapl', 'Correct horse battery staple', '', 'correct horse battery staple ']) {
      assert.equal(await verifyPassword(wrong, h1), false, wrong);
    }
  });

  test('the parameters travel with the hash: an old, cheaper hash still verifies and asks to be rehashed', async () => {
    const cheap = await hashPassword('pw-with-old-params', { N: 2 ** 10, r: 8, p: 1 });
    assert.equal(await verifyPassword('pw-with-old-params', cheap), true);
    assert.equal(needsRehash(cheap), true);
    assert.equal(needsRehash(await hashPassword('x', DEFAULT_SCRYPT)), false);
  });

  test('Unicode passwords are compared in one normal form (NFC)', async () => {
    const h = await hashPassword('caf\u00e9-passw0rd');
    assert.equal(await verifyPassword('cafe\u0301-passw0rd', h), true);
  });

  const tampered: [string, string][] = [
    ['not scrypt', 'bcrypt$2b$10$abc'],
    ['missing part', 'scrypt$32768$8$1$AAAA'],
    ['N not a power of two', 'scrypt$30000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'],
    ['absurd cost (memory exhaustion)', 'scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'],
    ['empty', ''],
  ];
  for (const [what, stored] of tampered) {
    test(`a malformed stored hash never verifies: ${what}`, async () => {
      assert.equal(await verifyPassword('anything', stored), false);
    });
  }

  test('a flipped bit in the stored key fails (timing-safe compare of equal lengths)', async () => {
    const h = await hashPassword('flip-me-please');
    const parts = h.split('$');
    const key = Buffer.from(parts[5]!, 'base64');
    key[0]! ^= 1;
    parts[5] = key.toString('base64');
    assert.equal(await verifyPassword('flip-me-please', parts.join('$')), false);
  });
});
