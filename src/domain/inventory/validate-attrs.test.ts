import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { validateAttrs } from './validate-attrs.ts';

test('validateAttrs accepts well-formed known and free-form attributes', () => {
  const ok = {
    ip: '10.0.0.7',
    netmask: '255.255.255.0',
    gateway: '10.0.0.1',
    dns: '10.0.0.2, 10.0.0.3',
    hostname: 'n01.cluster',
    arch: 'aarch64',
    firmware: 'uefi',
    netboot: 'ipxe',
    console: 'ttyS0,115200n8',
    mtu: 9000,
    vlan: '12',
    'bmc.driver': 'redfish',
    'bmc.address': 'fe80::1',
    'bmc.port': 623,
    'bmc.username': 'admin',
    osimage: 'rocky9-x86_64-compute',
    'kernel.args': 'quiet splash',
    rack: 4,
    'custom_flag': true,
    'note.free-form': 'anything { goes }',
    ipcomputed: '|node(\\d+)|10.0.0.($1+0)|',
  };
  assert.deepEqual(validateAttrs(ok), ok);
  assert.deepEqual(validateAttrs(undefined), {});
});

test('validateAttrs names the field and the problem', () => {
  const cases: [unknown, string, RegExp][] = [
    [{ ip: '10.0.0.300' }, 'attrs.ip', /^attrs\.ip: '10\.0\.0\.300' is not an IPv4 address$/],
    [{ ip: 17 }, 'attrs.ip', /17 is not an IPv4 address/],
    [{ netmask: '255.0.255.0' }, 'attrs.netmask', /not an IPv4 netmask/],
    [{ dns: '10.0.0.1,x' }, 'attrs.dns', /comma list/],
    [{ hostname: 'bad_name' }, 'attrs.hostname', /RFC 1123/],
    [{ arch: 'sparc' }, 'attrs.arch', /is not one of x86_64, aarch64/],
    [{ firmware: 'efi' }, 'attrs.firmware', /bios, uefi/],
    [{ 'bmc.driver': 'ilo' }, 'attrs.bmc.driver', /ipmi, redfish/],
    [{ 'bmc.address': 'bmc..x' }, 'attrs.bmc.address', /hostname or an IP/],
    [{ 'bmc.port': 70000 }, 'attrs.bmc.port', /integer from 1 to 65535/],
    [{ 'bmc.port': 1.5 }, 'attrs.bmc.port', /integer/],
    [{ 'bmc.port': '0' }, 'attrs.bmc.port', /integer/],
    [{ 'bmc.username': '' }, 'attrs.bmc.username', /non-empty/],
    [{ osimage: 'has space' }, 'attrs.osimage', /image name/],
    [{ Ip: '1.2.3.4' }, 'attrs.Ip', /not a valid attribute name/],
    [{ '9x': 1 }, 'attrs.9x', /not a valid attribute name/],
    [{ ['a'.repeat(65)]: 1 }, `attrs.${'a'.repeat(65)}`, /not a valid attribute name/],
    [{ x: null }, 'attrs.x', /null is not a string, number or boolean/],
    [{ x: [1] }, 'attrs.x', /not a string, number or boolean/],
    [{ x: { a: 1 } }, 'attrs.x', /not a string, number or boolean/],
    [{ x: Number.NaN }, 'attrs.x', /not a string, number or boolean/],
    [{ x: 'y'.repeat(4097) }, 'attrs.x', /longer than 4096/],
    [{ ip: '|node(\\d+))|10.0.0.($1)|' }, 'attrs.ip', /computed value .*invalid regex/],
    [{ ip: '|node(\\d+)|10.0.0.($2)|' }, 'attrs.ip', /uses \$2 but the regex has 1 capture group$/],
    [{ ip: '|node(\\d+)|10.0.0.($1+)|' }, 'attrs.ip', /expected a number/],
    [{ ip: '|(a+)+|x|' }, 'attrs.ip', /nested quantifier/],
    [[1], 'attrs', /must be an object/],
    [null, 'attrs', /must be an object/],
  ];
  for (const [input, field, message] of cases) {
    assert.throws(
      () => validateAttrs(input),
      (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.field === field && message.test(e.message),
      JSON.stringify(input),
    );
  }
});

test('validateAttrs uses the given field prefix', () => {
  assert.throws(() => validateAttrs({ ip: 'x' }, 'nodes[2].attrs'), (e: unknown) => e instanceof DomainError && e.field === 'nodes[2].attrs.ip');
});
