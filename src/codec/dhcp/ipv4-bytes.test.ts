// Dotted quads to bytes: what the encoder accepts, and everything it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Bytes, readIpv4 } from './ipv4-bytes.ts';

test('ipv4Bytes: dotted quads to four bytes, and back through readIpv4', () => {
  const cases: [string, number[]][] = [
    ['0.0.0.0', [0, 0, 0, 0]], ['255.255.255.255', [255, 255, 255, 255]], ['10.99.1.1', [10, 99, 1, 1]],
    ['192.168.100.254', [192, 168, 100, 254]], ['001.02.3.040', [1, 2, 3, 40]],
  ];
  for (const [ip, bytes] of cases) {
    assert.deepEqual([...ipv4Bytes(ip)], bytes, ip);
    if (!/(^|\.)0\d/.test(ip)) assert.equal(readIpv4(ipv4Bytes(ip)), ip);
  }
});

test('ipv4Bytes: anything but four groups of 1-3 digits up to 255 is a RangeError naming the input', () => {
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '1.2.3.4.', '.1.2.3', '1..2.3', '256.1.1.1', '1.2.3.256', '1.2.3.1000', '1.2.3.-1', ' 1.2.3.4', '1.2.3.4 ', 'a.b.c.d', '1.2.3.4/24', '::1', '1,2,3,4']) {
    assert.throws(() => ipv4Bytes(bad), (e: unknown) => e instanceof RangeError && e.message === `not an IPv4 address: ${JSON.stringify(bad)}`, JSON.stringify(bad));
  }
});
