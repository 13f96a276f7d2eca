// Router advertiser scheduling and solicitation handling, on the real loopback interface, with the raw socket
// (the native addon, a true OS boundary) replaced by a recorder and time driven by node:test's mock timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRouterAdvertiser, type NativeIcmp6 } from './router-advertiser.ts';
import { decodeRouterAdvertisement } from '../codec/ndp/router-advertisement.ts';

interface Recorder extends NativeIcmp6 {
  sent: { dst: string; ra: ReturnType<typeof decodeRouterAdvertisement> }[];
  solicit?: (src: string, icmp: Buffer) => void;
  closed: number;
}

function recorder(): Recorder {
  const r: Recorder = {
    sent: [],
    closed: 0,
    icmp6Open: (_ifname, onSolicit) => ((r.solicit = onSolicit), {}),
    icmp6Send: (_h, dst, icmp) => void r.sent.push({ dst, ra: decodeRouterAdvertisement(icmp) }),
    icmp6Close: () => void r.closed++,
  };
  return r;
}

const quiet = { info: () => undefined, warn: () => undefined };
const timing = { initialIntervalMs: 3000, initialPeriodMs: 30_000, minIntervalMs: 30_000, maxIntervalMs: 60_000 };
const RS = Buffer.from('8500000000000000', 'hex');

/** Mock tick() fires only timers already set when it starts; step so timers set by timers fire too. */
function advance(t: { mock: { timers: { tick(ms: number): void } } }, ms: number): void {
  for (let left = ms; left > 0; left -= 100) t.mock.timers.tick(Math.min(100, left));
}

test('first RA at once to ff02::1, with the ULA /64 of the IPv4 subnet (L and A set), then every 3 s for 30 s, then 30-60 s', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const native = recorder();
  const adv = startRouterAdvertiser({ interfaces: ['lo'], log: quiet, native, timing });
  try {
    assert.equal(adv.advertising.get('lo'), 'fd00:7f00::'); // lo is 127.0.0.1/8
    t.mock.timers.tick(0);
    assert.equal(native.sent.length, 1);
    const { dst, ra } = native.sent[0]!;
    assert.equal(dst, 'ff02::1');
    assert.equal(ra.routerLifetime, 0);
    assert.deepEqual(ra.prefixes, [{ prefix: 'fd00:7f00::', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400 }]);
    assert.equal(ra.sourceLinkLayerAddress, undefined, 'loopback has no link-layer address to advertise');
    advance(t, 30_000);
    assert.equal(native.sent.length, 11);
    advance(t, 29_000);
    assert.equal(native.sent.length, 11, 'no RA sooner than 30 s once the initial period is over');
    advance(t, 31_000);
    assert.equal(native.sent.length, 12);
  } finally {
    adv.close();
  }
  assert.equal(native.closed, 1);
});

test('a solicitation is answered within 0.5 s, but never sooner than 3 s after the previous RA (RFC 4861 §6.2.6)', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const native = recorder();
  const slow = { initialIntervalMs: 60_000, initialPeriodMs: 0, minIntervalMs: 60_000, maxIntervalMs: 60_000 };
  const adv = startRouterAdvertiser({ interfaces: ['lo'], log: quiet, native, timing: slow });
  try {
    t.mock.timers.tick(0);
    assert.equal(native.sent.length, 1);
    advance(t, 10_000);
    native.solicit!('fe80::2', RS);
    native.solicit!('fe80::3', RS); // a second one while the answer is pending adds nothing
    advance(t, 500);
    assert.equal(native.sent.length, 2);
    native.solicit!('fe80::2', RS); // right after an RA: held until 3 s have passed
    advance(t, 2400);
    assert.equal(native.sent.length, 2);
    advance(t, 700);
    assert.equal(native.sent.length, 3);
    native.solicit!('fe80::2', Buffer.from('85010000', 'hex'));
    assert.equal(adv.counters.solicitations, 3);
    assert.deepEqual(adv.counters.dropped, { 'short-message': 1 });
  } finally {
    adv.close();
  }
});

test('a configured /64 wins; closing with a router lifetime sends a last RA with lifetime 0 (§6.2.5)', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const native = recorder();
  const adv = startRouterAdvertiser({ interfaces: ['lo'], prefixes: { lo: 'fd99::/64' }, routerLifetime: 600, log: quiet, native, timing });
  t.mock.timers.tick(0);
  adv.close();
  assert.deepEqual(native.sent.map((s) => [s.ra.prefixes[0]!.prefix, s.ra.routerLifetime]), [['fd99::', 600], ['fd99::', 0]]);
});

test('bad input fails at start: unknown interface, prefix not a /64; a failing interface closes the ones opened before it', () => {
  const native = recorder();
  assert.throws(() => startRouterAdvertiser({ interfaces: ['lo', 's0-no-such-if'], log: quiet, native }), /s0-no-such-if: no such interface/);
  assert.equal(native.closed, 1);
  assert.throws(() => startRouterAdvertiser({ interfaces: ['lo'], prefixes: { lo: 'fd99::/48' }, log: quiet, native: recorder() }), /\/64/);
});

test('a send failure is counted and logged once per distinct error, and the schedule goes on', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const warnings: string[] = [];
  const native = { ...recorder(), icmp6Send: () => { throw new Error('sendto: Cannot assign requested address (errno 99)'); } };
  const adv = startRouterAdvertiser({ interfaces: ['lo'], log: { info: () => undefined, warn: (_o, m) => void warnings.push(m) }, native, timing });
  t.mock.timers.tick(0);
  advance(t, 6000);
  adv.close();
  assert.equal(adv.counters.sendErrors, 3);
  assert.equal(warnings.length, 1);
});
