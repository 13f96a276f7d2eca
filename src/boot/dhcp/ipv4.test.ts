// IPv4 parsing and CIDR arithmetic used by subnets and the pool scan.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../domain/errors.ts';
import { cidrContains, intToIp, ipToInt, parseCidr } from './ipv4.ts';

describe('ipv4', () => {
  it('round-trips dotted quads', () => {
    for (const [ip, n] of [['0.0.0.0', 0], ['255.255.255.255', 0xffffffff], ['10.98.1.100', 0x0a620164], ['1.2.3.4', 0x01020304]] as const) {
      assert.equal(ipToInt(ip), n);
      assert.equal(intToIp(n), ip);
    }
  });

  it('rejects anything that is not a dotted quad, naming the field', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.256', '1..2.3', 'a.b.c.d', '1.2.3.4 ', '1234.1.1.1', '.1.2.3', '1.2.3.']) {
      assert.throws(() => ipToInt(bad, 'x.ip'), (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.field === 'x.ip', bad);
    }
  });

  it('parses CIDRs into network, mask and broadcast', () => {
    const c = parseCidr('10.98.1.77/24');
    assert.deepEqual([intToIp(c.network), c.mask, intToIp(c.broadcast), c.prefix], ['10.98.1.0', '255.255.255.0', '10.98.1.255', 24]);
    assert.equal(parseCidr('0.0.0.0/0').mask, '0.0.0.0');
    assert.equal(parseCidr('10.0.0.1/32').mask, '255.255.255.255');
    assert.ok(cidrContains(c, '10.98.1.254') && !cidrContains(c, '10.98.2.1'));
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/x', 'x/24']) assert.throws(() => parseCidr(bad), DomainError, bad);
  });
});
