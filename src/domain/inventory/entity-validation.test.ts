import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { validateGroup, validateNewNode, validateNodePatch } from './entity-validation.ts';
import { normalizeMac } from './mac-address.ts';

const rejects = (fn: () => unknown, field: string, message: RegExp, label: string): void => {
  assert.throws(fn, (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.field === field && message.test(e.message), label);
};

test('normalizeMac accepts the usual spellings', () => {
  for (const input of ['aa:bb:cc:dd:ee:ff', 'AA:BB:CC:DD:EE:FF', 'AA-BB-CC-DD-EE-FF', 'aabb.ccdd.eeff', 'AABBCCDDEEFF', ' aa:bb:cc:dd:ee:ff ']) {
    assert.equal(normalizeMac(input), 'aa:bb:cc:dd:ee:ff', input);
  }
});

test('normalizeMac rejects the rest', () => {
  for (const input of ['aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:fg', 'aa-bb:cc-dd:ee-ff', 'aabb.ccdd.eeff.0011', 'aabbccddeeff00', '', 42, null]) {
    rejects(() => normalizeMac(input, 'macs[0]'), 'macs[0]', /is not a MAC address/, String(input));
  }
});

test('validateNewNode normalises and checks every field', () => {
  const node = validateNewNode({ name: 'n01', macs: ['AA-BB-CC-DD-EE-01', 'aabb.ccdd.ee02'], groups: ['compute', 'rack1'], bmc: 'n01-bmc', attrs: { ip: '10.0.0.1' } });
  assert.deepEqual(node, { name: 'n01', macs: ['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02'], groups: ['compute', 'rack1'], bmc: 'n01-bmc', attrs: { ip: '10.0.0.1' } });
  assert.deepEqual(validateNewNode({ name: 'x.y_z-1' }), { name: 'x.y_z-1' });
  assert.deepEqual(validateNewNode({ name: 'n1', bmc: null }), { name: 'n1', bmc: null });
});

test('validateNewNode errors name the field', () => {
  const cases: [unknown, string, RegExp][] = [
    [{ name: '-n1' }, 'name', /not a valid node name/],
    [{ name: 'n'.repeat(64) }, 'name', /not a valid node name/],
    [{ name: 'all' }, 'name', /reserved/],
    [{}, 'name', /undefined is not a valid node name|not a valid node name/],
    [{ name: 'n1', macs: ['aa:bb:cc:dd:ee:ff', 'zz'] }, 'macs[1]', /'zz' is not a MAC address/],
    [{ name: 'n1', macs: ['aa:bb:cc:dd:ee:ff', 'AABBCCDDEEFF'] }, 'macs[1]', /listed twice \(also macs\[0\]\)/],
    [{ name: 'n1', macs: 'aa:bb:cc:dd:ee:ff' }, 'macs', /must be a list/],
    [{ name: 'n1', groups: ['ok', 'bad group'] }, 'groups[1]', /not a valid group name/],
    [{ name: 'n1', groups: ['a', 'a'] }, 'groups[1]', /listed twice/],
    [{ name: 'n1', bmc: 7 }, 'bmc', /not a valid BMC name/],
    [{ name: 'n1', attrs: { ip: 'x' } }, 'attrs.ip', /not an IPv4 address/],
    [{ name: 'n1', color: 'red' }, 'color', /unknown field/],
    ['n1', 'body', /must be an object/],
  ];
  for (const [input, field, message] of cases) rejects(() => validateNewNode(input), field, message, JSON.stringify(input));
  rejects(() => validateNewNode({ name: 'n1', macs: ['x'] }, 'nodes[3]'), 'nodes[3].macs[0]', /not a MAC address/, 'prefix');
});

test('validateNodePatch and validateGroup', () => {
  assert.deepEqual(validateNodePatch({ groups: [] }), { groups: [] });
  assert.deepEqual(validateNodePatch({}), {});
  rejects(() => validateNodePatch({ name: 'n2' }), 'name', /unknown field/, 'rename via patch');
  assert.deepEqual(validateGroup({ name: 'compute', attrs: { arch: 'x86_64' } }), { name: 'compute', attrs: { arch: 'x86_64' } });
  rejects(() => validateGroup({ name: 'all' }), 'name', /reserved/, 'all');
  rejects(() => validateGroup({ name: 'g', attrs: { firmware: 'x' } }), 'attrs.firmware', /bios, uefi/, 'attrs');
});
