// RA / RS codec tests: fixed bytes laid out by hand from RFC 4861 §4.1, §4.2, §4.6 and RFC 8106 §5.1, round trips, malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeRouterAdvertisement, encodeRouterAdvertisement, type RouterAdvertisement } from './router-advertisement.ts';
import { decodeRouterSolicitation } from './router-solicitation.ts';
import { NdpDecodeError } from './ndp-decode-error.ts';
import { bytesToIpv6, ipv6ToBytes } from './ipv6-text.ts';
import { parseSlaacPrefix, ulaPrefixForIpv4 } from './ula-prefix.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+|#[^\n]*/g, ''), 'hex'));

const sample: RouterAdvertisement = {
  curHopLimit: 64,
  managed: false,
  otherConfig: true,
  routerLifetime: 1800,
  reachableTime: 0,
  retransTimer: 0,
  sourceLinkLayerAddress: '52:54:00:12:34:56',
  mtu: 1500,
  prefixes: [{ prefix: 'fd00:a63::', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400 }],
  rdnss: { lifetime: 600, servers: ['fd00:a63::1'] },
};

const sampleBytes = hex(`
  86 00 0000            # §4.2 type 134, code 0, checksum left to the kernel
  40 40 0708            # cur hop limit 64, flags M=0 O=1, router lifetime 1800 s
  00000000 00000000     # reachable time, retrans timer: unspecified
  01 01 525400123456    # §4.6.1 source link-layer address, length 1 (8 octets)
  05 01 0000 000005dc   # §4.6.4 MTU 1500
  03 04 40 c0           # §4.6.2 prefix information, length 4, /64, L=1 A=1
  00015180 00003840     # valid 86400 s, preferred 14400 s
  00000000              # reserved2
  fd000a63000000000000000000000000
  19 03 0000 00000258   # RFC 8106 §5.1 RDNSS, length 3 (one address), lifetime 600 s
  fd000a63000000000000000000000001
`);

test('RA encodes to the byte layout of RFC 4861 §4.2/§4.6 and RFC 8106 §5.1', () => {
  assert.deepEqual(Buffer.from(encodeRouterAdvertisement(sample)).toString('hex'), Buffer.from(sampleBytes).toString('hex'));
});

test('RA decodes the same bytes back', () => {
  assert.deepEqual(decodeRouterAdvertisement(sampleBytes), sample);
});

test('RA decoder skips options it does not know (§4.6) and reads M flag', () => {
  const bytes = hex('86 00 0000 ff 80 0000 00000000 00000000  1f 01 000000000000');
  const ra = decodeRouterAdvertisement(bytes);
  assert.equal(ra.managed, true);
  assert.equal(ra.otherConfig, false);
  assert.equal(ra.curHopLimit, 255);
  assert.deepEqual(ra.prefixes, []);
});

const malformed: [string, string, string][] = [
  ['short', '86 00 0000 40 00 0000 0000', 'short-message'],
  ['wrong type', '87 00 0000 40 00 0000 00000000 00000000', 'bad-type:135'],
  ['nonzero code', '86 01 0000 40 00 0000 00000000 00000000', 'bad-code:1'],
  ['zero-length option', '86 00 0000 40 00 0000 00000000 00000000 01 00 000000000000', 'zero-length-option'],
  ['option past the end', '86 00 0000 40 00 0000 00000000 00000000 03 04 40c0', 'truncated-option'],
  ['lone option byte', '86 00 0000 40 00 0000 00000000 00000000 01', 'truncated-option'],
  ['prefix option of length 1', '86 00 0000 40 00 0000 00000000 00000000 03 01 000000000000', 'bad-length:prefix-information'],
  ['MTU option of length 2', '86 00 0000 40 00 0000 00000000 00000000 05 02 ' + '00'.repeat(14), 'bad-length:mtu'],
  ['RDNSS without address', '86 00 0000 40 00 0000 00000000 00000000 19 01 000000000000', 'bad-length:rdnss'],
  ['prefix length 129', '86 00 0000 40 00 0000 00000000 00000000 03 04 81 c0' + '00'.repeat(28), 'bad-value:prefix-information'],
];

for (const [name, bytes, reason] of malformed) {
  test(`RA decoder rejects ${name} with reason ${reason}`, () => {
    assert.throws(() => decodeRouterAdvertisement(hex(bytes)), (e: unknown) => e instanceof NdpDecodeError && e.reason === reason);
  });
}

const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(bytesToIpv6);
const u32 = fc.nat({ max: 0xffffffff });
const arbitraryRa: fc.Arbitrary<RouterAdvertisement> = fc.record(
  {
    curHopLimit: fc.nat({ max: 255 }),
    managed: fc.boolean(),
    otherConfig: fc.boolean(),
    routerLifetime: fc.nat({ max: 0xffff }),
    reachableTime: u32,
    retransTimer: u32,
    sourceLinkLayerAddress: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1:')),
    prefixes: fc.array(
      fc.record({ prefix: ipv6, prefixLength: fc.nat({ max: 128 }), onLink: fc.boolean(), autonomous: fc.boolean(), validLifetime: u32, preferredLifetime: u32 }),
      { maxLength: 3 },
    ),
    mtu: u32,
    rdnss: fc.record({ lifetime: u32, servers: fc.array(ipv6, { minLength: 1, maxLength: 3 }) }),
  },
  { requiredKeys: ['curHopLimit', 'managed', 'otherConfig', 'routerLifetime', 'reachableTime', 'retransTimer', 'prefixes'] },
);

test('RA round-trips: decode(encode(ra)) = ra', () => {
  // fast-check builds null-prototype records; JSON puts both sides on plain objects before comparing.
  const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
  fc.assert(
    fc.property(arbitraryRa, (ra) => assert.deepEqual(plain(decodeRouterAdvertisement(encodeRouterAdvertisement(ra))), plain(ra))),
    { numRuns: 300 },
  );
});

test('RA decoder throws only NdpDecodeError on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (tail) => {
      const bytes = new Uint8Array([0x86, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...tail]);
      try {
        decodeRouterAdvertisement(bytes);
      } catch (e) {
        assert.ok(e instanceof NdpDecodeError, String(e));
      }
    }),
    { numRuns: 500 },
  );
});

test('RS (§4.1) from a host with an address carries its MAC; from :: it must not (§6.1.1)', () => {
  const rs = hex('85 00 0000 00000000  01 01 525400abcdef');
  assert.deepEqual(decodeRouterSolicitation(rs, 'fe80::1'), { sourceLinkLayerAddress: '52:54:00:ab:cd:ef' });
  assert.deepEqual(decodeRouterSolicitation(hex('85 00 0000 00000000'), '::'), {});
  assert.throws(() => decodeRouterSolicitation(rs, '::'), (e: unknown) => e instanceof NdpDecodeError && e.reason === 'bad-value:source-link-layer-address');
  assert.throws(() => decodeRouterSolicitation(hex('85 00 0000'), 'fe80::1'), NdpDecodeError);
});

test('IPv6 text follows RFC 5952 and round-trips', () => {
  const cases: [string, string][] = [
    ['FD00:0A63:0000:0000:0000:0000:0000:0000', 'fd00:a63::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['ff02::1', 'ff02::1'],
  ];
  for (const [input, canonical] of cases) assert.equal(bytesToIpv6(ipv6ToBytes(input)), canonical);
  fc.assert(fc.property(ipv6, (a) => assert.equal(bytesToIpv6(ipv6ToBytes(a)), a)));
});

test('ULA /64 derived from the IPv4 network (RFC 4193 layout) and configured prefixes checked', () => {
  assert.equal(ulaPrefixForIpv4('10.99.0.1', 24), 'fd00:a63::');
  assert.equal(ulaPrefixForIpv4('192.168.77.130', 25), 'fd00:c0a8:4d80::');
  assert.equal(parseSlaacPrefix('FD99:0::/64'), 'fd99::');
  assert.throws(() => parseSlaacPrefix('fd99::/48'), /\/64/);
  assert.throws(() => parseSlaacPrefix('fd99::1/64'), /beyond/);
});
