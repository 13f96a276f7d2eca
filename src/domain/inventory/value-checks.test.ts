import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostname, isIPv4, isIPv6, isNetmask } from './value-checks.ts';

test('value checks: IPv4, IPv6, netmask, hostname', () => {
  const cases: [(s: string) => boolean, string, boolean][] = [
    [isIPv4, '10.0.0.7', true],
    [isIPv4, '255.255.255.255', true],
    [isIPv4, '0.0.0.0', true],
    [isIPv4, '10.0.0.300', false],
    [isIPv4, '10.0.0', false],
    [isIPv4, '10.0.0.07', false],
    [isIPv4, '10.0.0.7 ', false],
    [isIPv4, '1.2.3.4.5', false],
    [isIPv6, '::', true],
    [isIPv6, '::1', true],
    [isIPv6, 'fe80::1', true],
    [isIPv6, '2001:db8:0:0:0:0:0:1', true],
    [isIPv6, '::ffff:10.0.0.1', true],
    [isIPv6, '2001:db8::1::2', false],
    [isIPv6, '2001:db8:0:0:0:0:0:0:1', false],
    [isIPv6, '12345::', false],
    [isIPv6, 'fe80', false],
    [isIPv6, ':1', false],
    [isNetmask, '255.255.255.0', true],
    [isNetmask, '255.255.240.0', true],
    [isNetmask, '0.0.0.0', true],
    [isNetmask, '255.255.255.255', true],
    [isNetmask, '255.0.255.0', false],
    [isNetmask, '255.255.255.1', false],
    [isHostname, 'node01', true],
    [isHostname, 'node01.cluster.example', true],
    [isHostname, '1node', true],
    [isHostname, '-node', false],
    [isHostname, 'node-', false],
    [isHostname, 'no_de', false],
    [isHostname, 'a..b', false],
    [isHostname, 'a'.repeat(64), false],
    [isHostname, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    [isHostname, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false],
  ];
  for (const [fn, input, want] of cases) assert.equal(fn(input), want, `${fn.name}(${input})`);
});
