import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { validateInventoryDoc } from './inventory-doc.ts';

test('validateInventoryDoc normalises a good document', () => {
  const doc = validateInventoryDoc({
    apiVersion: 'stage0/v1',
    site: { attrs: { dns: '10.0.0.2' } },
    groups: [{ name: 'compute', attrs: { ip: '|node(\\d+)|10.0.0.($1+0)|' } }, { name: 'empty' }],
    nodes: [{ name: 'node01', macs: ['AA-BB-CC-DD-EE-01'], groups: ['compute'], bmc: null, attrs: {} }, { name: 'node02' }],
  });
  assert.deepEqual(doc, {
    apiVersion: 'stage0/v1',
    site: { attrs: { dns: '10.0.0.2' } },
    groups: [{ name: 'compute', attrs: { ip: '|node(\\d+)|10.0.0.($1+0)|' } }, { name: 'empty' }],
    nodes: [{ name: 'node01', macs: ['aa:bb:cc:dd:ee:01'], groups: ['compute'], bmc: null, attrs: {} }, { name: 'node02' }],
  });
  assert.deepEqual(validateInventoryDoc({ apiVersion: 'stage0/v1' }), { apiVersion: 'stage0/v1' });
});

test('validateInventoryDoc errors name the path', () => {
  const n = (nodes: unknown[]): unknown => ({ apiVersion: 'stage0/v1', nodes });
  const cases: [unknown, string, RegExp][] = [
    [null, 'document', /must be an object/],
    [{ apiVersion: 'v2' }, 'apiVersion', /must be 'stage0\/v1', not "v2"/],
    [{}, 'apiVersion', /not missing/],
    [{ apiVersion: 'stage0/v1', kind: 'x' }, 'kind', /unknown field/],
    [{ apiVersion: 'stage0/v1', site: { attrs: { ip: 'x' } } }, 'site.attrs.ip', /not an IPv4 address/],
    [{ apiVersion: 'stage0/v1', site: { attr: {} } }, 'site.attr', /unknown field/],
    [{ apiVersion: 'stage0/v1', groups: {} }, 'groups', /must be a list/],
    [{ apiVersion: 'stage0/v1', groups: [{ name: 'a' }, { name: 'a' }] }, 'groups[1].name', /listed twice \(also groups\[0\]\)/],
    [{ apiVersion: 'stage0/v1', groups: [{ name: 'a', nodes: [] }] }, 'groups[0].nodes', /unknown field/],
    [n([{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }, { name: 'n4', macs: ['bogus'] }]), 'nodes[3].macs[0]', /'bogus' is not a MAC address/],
    [n([{ name: 'n1', groups: ['ok', 'b@d'] }]), 'nodes[0].groups[1]', /not a valid group name/],
    [n([{ name: 'n1', attrs: { 'bmc.port': 0 } }]), 'nodes[0].attrs.bmc.port', /integer from 1 to 65535/],
    [n([{ name: 'n1' }, { name: 'n1' }]), 'nodes[1].name', /listed twice/],
    [n([{ name: 'n1', macs: ['aa:bb:cc:dd:ee:ff'] }, { name: 'n2', macs: ['AABBCCDDEEFF'] }]), 'nodes[1].macs[0]', /aa:bb:cc:dd:ee:ff is also on nodes\[0\] \(n1\)/],
    [n([{ macs: [] }]), 'nodes[0].name', /not a valid node name/],
  ];
  for (const [input, field, message] of cases) {
    assert.throws(
      () => validateInventoryDoc(input),
      (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.field === field && message.test(e.message),
      JSON.stringify(input),
    );
  }
});
