// createAttrSecrets: what each write path stores for bmc.password, given what is stored now; redactSecretsInJson.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DomainError } from '../domain/errors.ts';
import { redactSecretsInJson } from './redact-bmc.ts';
import { createAttrSecrets } from './seal-secret-attrs.ts';
import { createSecretBox, isSealed } from './secret-box.ts';

const box = createSecretBox(Buffer.alloc(32, 7));
const secrets = createAttrSecrets(box);

it('seals plain passwords; other attributes and maps without secrets pass through unchanged', () => {
  const out = secrets.seal({ 'bmc.password': 'calvin', ip: '10.0.0.1' }, undefined);
  assert.ok(isSealed(out['bmc.password']));
  assert.equal(box.open(out['bmc.password'] as string), 'calvin');
  assert.equal(out.ip, '10.0.0.1');
  const none = { ip: '10.0.0.2' };
  assert.equal(secrets.seal(none, undefined), none);
  assert.equal(box.open(secrets.seal({ 'bmc.password': 42 }, undefined)['bmc.password'] as string), '42');
});

it('keeps the stored sealed value when unchanged, re-given in clear, or "[redacted]"', () => {
  const stored = { 'bmc.password': box.seal('calvin') };
  for (const next of [{ ...stored }, { 'bmc.password': 'calvin' }, { 'bmc.password': '[redacted]' }]) {
    assert.equal(secrets.seal(next, stored)['bmc.password'], stored['bmc.password'], JSON.stringify(next));
  }
  const changed = secrets.seal({ 'bmc.password': 'hobbes' }, stored)['bmc.password'] as string;
  assert.notEqual(changed, stored['bmc.password']);
  assert.equal(box.open(changed), 'hobbes');
  // a plain value stored before sealing existed gets sealed on the next write that keeps it
  assert.equal(box.open(secrets.seal({ 'bmc.password': '[redacted]' }, { 'bmc.password': 'old' })['bmc.password'] as string), 'old');
});

it('refuses a sealed value this key cannot open, and "[redacted]" with nothing stored', () => {
  const foreign = createSecretBox(Buffer.alloc(32, 8)).seal('x');
  assert.throws(() => secrets.seal({ 'bmc.password': foreign }, undefined), (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.field === 'attrs.bmc.password');
  assert.throws(() => secrets.seal({ 'bmc.password': '[redacted]' }, {}), /there is none/);
  const mine = box.seal('y');
  assert.equal(secrets.seal({ 'bmc.password': mine }, undefined)['bmc.password'], mine);
});

it('redactSecretsInJson: plain, effective, numeric, escaped and sealed-anywhere values; other text untouched', () => {
  const cases: [unknown, unknown][] = [
    [{ attrs: { 'bmc.password': 'pl"ain', ip: '1' } }, { attrs: { 'bmc.password': '[redacted]', ip: '1' } }],
    [{ provenance: { 'bmc.password': { value: 's', from: { kind: 'group', name: 'g' } } } }, { provenance: { 'bmc.password': { value: '[redacted]', from: { kind: 'group', name: 'g' } } } }],
    [{ 'bmc.password': 1234 }, { 'bmc.password': '[redacted]' }],
    [{ details: { diff: [{ field: 'attrs', before: box.seal('a'), after: [box.seal('b')] }] } }, { details: { diff: [{ field: 'attrs', before: '[redacted]', after: ['[redacted]'] }] } }],
    [{ note: 'bmc.password is a key', n: 1 }, { note: 'bmc.password is a key', n: 1 }],
  ];
  for (const [input, want] of cases) assert.deepEqual(JSON.parse(redactSecretsInJson(JSON.stringify(input))), want);
  const plain = JSON.stringify({ a: 1 });
  assert.equal(redactSecretsInJson(plain), plain);
  assert.deepEqual(JSON.parse(redactSecretsInJson(JSON.stringify({ x: { 'bmc.password': 'p' } }, null, 2))), { x: { 'bmc.password': '[redacted]' } });
});
