// Option codecs: byte vectors from the RFCs and specs, and fast-check round trips for every typed option.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeDhcp, encodeDhcp, withOptions, type DhcpOptions, type DhcpPacket } from './dhcp-packet.ts';
import { classlessRoutes } from './option-classless-routes.ts';
import { domainSearch } from './option-domain-search.ts';
import { ipxeOptions } from './option-ipxe.ts';
import { pxeVendor } from './option-pxe-vendor.ts';
import { relayAgentInfo } from './option-relay-agent.ts';
import { userClass } from './option-user-class.ts';
import { DHCP_MESSAGE_TYPES } from './option-dhcp-control.ts';

const bytes = (...parts: (number | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : [p])));

/** A minimal DISCOVER to carry options (built by hand: 240-byte header + 53). */
function carrier(): DhcpPacket {
  const b = Buffer.alloc(300);
  b.set([1, 1, 6], 0);
  b.set([99, 130, 83, 99, 53, 1, 1, 255], 236);
  return decodeDhcp(b);
}

describe('option byte vectors', () => {
  it('RFC 3442 option format examples: destination descriptors of every width class', () => {
    const routes = [
      { destination: '0.0.0.0', prefixLength: 0, router: '10.0.0.1' },
      { destination: '10.0.0.0', prefixLength: 8, router: '10.0.0.1' },
      { destination: '10.17.0.0', prefixLength: 16, router: '10.0.0.1' },
      { destination: '10.27.129.0', prefixLength: 24, router: '10.0.0.1' },
      { destination: '10.229.0.128', prefixLength: 25, router: '10.0.0.1' },
      { destination: '10.198.122.47', prefixLength: 32, router: '10.0.0.1' },
    ];
    const r = [10, 0, 0, 1];
    const wire = bytes(0, ...r, 8, 10, ...r, 16, 10, 17, ...r, 24, 10, 27, 129, ...r, 25, 10, 229, 0, 128, ...r, 32, 10, 198, 122, 47, ...r);
    assert.deepEqual(classlessRoutes.encode(routes), wire);
    assert.deepEqual(classlessRoutes.decode(wire), routes);
  });

  it('RFC 3397 §3 example: compression pointer, split over three instances of option 119', () => {
    const value = bytes(3, 'eng', 5, 'apple', 3, 'com', 0, 9, 'marketing', 0xc0, 4);
    assert.deepEqual(domainSearch.encode(['eng.apple.com', 'marketing.apple.com']), value);
    // The RFC's own packet layout: 119/9 three times, then the codec concatenates (RFC 3396) before following pointers.
    const b = Buffer.alloc(240 + 3 + 33 + 1);
    b.set([1, 1, 6], 0);
    b.set([99, 130, 83, 99, 53, 1, 1], 236);
    for (let i = 0; i < 3; i++) b.set([119, 9, ...value.subarray(i * 9, i * 9 + 9)], 243 + i * 11);
    b[b.length - 1] = 255;
    assert.deepEqual(decodeDhcp(b).options.domainSearch, ['eng.apple.com', 'marketing.apple.com']);
  });

  it('RFC 3004 §4 user class: length-prefixed items, and the plain iPXE form', () => {
    assert.deepEqual(userClass.decode(bytes(4, 'iPXE', 3, 'foo')), { format: 'rfc3004', classes: ['iPXE', 'foo'] });
    assert.deepEqual(userClass.decode(bytes('iPXE')), { format: 'plain', classes: ['iPXE'] });
    assert.deepEqual(userClass.encode({ format: 'rfc3004', classes: ['iPXE'] }), bytes(4, 'iPXE'));
    assert.deepEqual(userClass.encode({ format: 'plain', classes: ['iPXE'] }), bytes('iPXE'));
  });

  it('RFC 3046 §2.0 relay agent info: circuit id and remote id sub-options', () => {
    const v = relayAgentInfo.decode(bytes(1, 4, 'eth0', 2, 6, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 9, 1, 7));
    assert.equal(Buffer.from(v.circuitId!).toString(), 'eth0');
    assert.equal(Buffer.from(v.remoteId!).toString('hex'), '001122334455');
    assert.deepEqual(v.subOptions.map((s) => s.code), [1, 2, 9]);
  });

  it('PXE 2.1 §2.4 option 43: discovery control, boot servers, menu, prompt, boot item', () => {
    const wire = bytes(6, 1, 8, 8, 7, 0x80, 0x00, 1, 10, 0, 0, 1, 9, 8, 0x80, 0x00, 5, 'Linux', 10, 5, 3, 'Boot', 71, 4, 0x80, 0x00, 0, 0, 255);
    const v = pxeVendor.decode(wire);
    assert.equal(v.discoveryControl, 8);
    assert.deepEqual(v.bootServers, [{ type: 0x8000, addresses: ['10.0.0.1'] }]);
    assert.deepEqual(v.bootMenu, [{ type: 0x8000, description: 'Linux' }]);
    assert.deepEqual(v.menuPrompt, { timeout: 3, prompt: 'Boot' });
    assert.deepEqual(v.bootItem, { type: 0x8000, layer: 0 });
    assert.deepEqual(pxeVendor.encode(v), wire);
  });

  it('option 43 that is not PXE stays raw without failing the packet', () => {
    const p = withOptions(carrier(), { vendorSpecific: bytes(1, 200, 3) });
    const back = decodeDhcp(encodeDhcp(p));
    assert.deepEqual(back.options.vendorSpecific, bytes(1, 200, 3));
    assert.equal(back.options.pxe, undefined);
  });

  it('iPXE 175: 176 no-pxedhcp and 177 bus id', () => {
    const wire = bytes(176, 1, 1, 177, 5, 1, 0x80, 0x86, 0x10, 0x0e);
    assert.deepEqual(ipxeOptions.decode(wire), {
      subOptions: [{ code: 176, data: bytes(1) }, { code: 177, data: bytes(1, 0x80, 0x86, 0x10, 0x0e) }],
      noPxeDhcp: true,
      busId: { type: 1, vendor: 0x8086, device: 0x100e },
    });
    assert.deepEqual(ipxeOptions.encode({ noPxeDhcp: true, subOptions: [] }), bytes(176, 1, 1));
  });
});

// ---- round trips: typed value -> withOptions -> encodeDhcp -> decodeDhcp -> the same typed value ----

/** fc.record without null-prototype objects, which node:assert deepEqual tells apart from the decoder's plain ones. */
const rec: typeof fc.record = ((model: never, constraints?: object) => fc.record(model, { ...constraints, noNullPrototype: true } as never)) as never;
const latin1 = (min: number, max: number) =>
  fc.array(fc.integer({ min: 1, max: 255 }), { minLength: min, maxLength: max }).map((a) => String.fromCharCode(...a));
const ip = fc.ipV4();
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 255 });
const sub = (codes: fc.Arbitrary<number>) => rec({ code: codes, data: fc.uint8Array({ maxLength: 40 }) });
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/);
const dnsName = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 9, arbitrary: fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('example.com', 'lab', 'a.b.c')).map(([l, s]) => [...l, s].join('.')) },
);
const route = rec({ prefixLength: fc.integer({ min: 0, max: 32 }), dest: fc.uint8Array({ minLength: 4, maxLength: 4 }), router: ip }).map(({ prefixLength, dest, router }) => {
  const d = Uint8Array.from(dest, (b, i) => (i < Math.ceil(prefixLength / 8) ? b : 0));
  return { destination: [...d].join('.'), prefixLength, router };
});
const relay = fc.array(sub(fc.integer({ min: 1, max: 254 })), { minLength: 1, maxLength: 5 }).map((subOptions) => {
  const circuitId = subOptions.find((s) => s.code === 1)?.data;
  const remoteId = subOptions.find((s) => s.code === 2)?.data;
  return { ...(circuitId ? { circuitId } : {}), ...(remoteId ? { remoteId } : {}), subOptions };
});

/** Every typed field with an arbitrary of values that survive the wire unchanged. */
const arbitraries: { [K in keyof DhcpOptions]?: fc.Arbitrary<NonNullable<DhcpOptions[K]>> } = {
  subnetMask: ip,
  routers: fc.array(ip, { minLength: 1, maxLength: 80 }), // > 255 bytes exercises RFC 3396 splitting
  dnsServers: fc.array(ip, { minLength: 1, maxLength: 8 }),
  hostname: latin1(1, 300),
  domainName: latin1(0, 64),
  broadcastAddress: ip,
  vendorSpecific: fc.uint8Array({ maxLength: 300 }),
  requestedIp: ip,
  leaseTime: u32,
  messageType: fc.constantFrom(...DHCP_MESSAGE_TYPES),
  serverId: ip,
  parameterRequestList: fc.array(u8, { minLength: 1, maxLength: 300 }),
  message: latin1(0, 100),
  maxMessageSize: u16,
  renewalTime: u32,
  rebindingTime: u32,
  vendorClass: latin1(1, 64),
  clientId: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  tftpServerName: latin1(1, 64),
  bootfileName: latin1(1, 400),
  userClass: fc.oneof(
    rec({ format: fc.constant('rfc3004' as const), classes: fc.array(latin1(1, 40), { minLength: 1, maxLength: 4 }) }),
    // A plain string whose first byte is longer than the rest can only be read as plain.
    latin1(1, 40).map((s) => ({ format: 'plain' as const, classes: [`~${s}`] })),
  ),
  relayAgentInfo: relay,
  clientArch: fc.array(u16, { minLength: 1, maxLength: 4 }),
  clientNdi: rec({ type: u8, major: u8, minor: u8 }),
  clientGuid: rec({ type: u8, g: fc.uint8Array({ minLength: 16, maxLength: 16 }) }).map(({ type, g }) => {
    const h = Buffer.from(g).toString('hex');
    return { type, guid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
  }),
  domainSearch: fc.array(dnsName, { minLength: 1, maxLength: 12 }),
  classlessRoutes: fc.array(route, { minLength: 1, maxLength: 30 }),
};

describe('typed option round trips (fast-check)', () => {
  for (const [field, arb] of Object.entries(arbitraries) as [keyof DhcpOptions, fc.Arbitrary<unknown>][]) {
    it(field, () => {
      fc.assert(
        fc.property(arb, (value) => {
          const p = withOptions(carrier(), { [field]: value });
          const back = decodeDhcp(encodeDhcp(p, { maxMessageSize: 65535 }));
          assert.deepEqual(back.options[field], value);
          assert.deepEqual(back.rawOptions, p.rawOptions);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('pxe: typed sub-options survive and unknown ones keep their place', () => {
    const arb = rec(
      {
        discoveryControl: u8,
        bootServers: fc.array(rec({ type: u16, addresses: fc.array(ip, { maxLength: 3 }) }), { minLength: 1, maxLength: 3 }),
        bootMenu: fc.array(rec({ type: u16, description: latin1(0, 20) }), { minLength: 1, maxLength: 3 }),
        menuPrompt: rec({ timeout: u8, prompt: latin1(0, 20) }),
        bootItem: rec({ type: u16, layer: u16 }),
        subOptions: fc.array(sub(fc.integer({ min: 100, max: 200 })), { maxLength: 3 }),
      },
      { requiredKeys: ['subOptions'] },
    );
    fc.assert(
      fc.property(arb, (v) => {
        const back = pxeVendor.decode(pxeVendor.encode(v));
        const { subOptions, ...typed } = v;
        const { subOptions: backSubs, ...backTyped } = back;
        assert.deepEqual(backTyped, typed);
        assert.deepEqual(backSubs.filter((s) => s.code >= 100), subOptions);
        assert.deepEqual(pxeVendor.encode(back), pxeVendor.encode(v));
      }),
      { numRuns: 300 },
    );
  });

  it('ipxe: no-pxedhcp and bus id survive with the other sub-options', () => {
    const arb = rec(
      { noPxeDhcp: fc.boolean(), busId: rec({ type: u8, vendor: u16, device: u16 }), subOptions: fc.array(sub(fc.integer({ min: 1, max: 175 })), { maxLength: 6 }) },
      { requiredKeys: ['subOptions'] },
    );
    fc.assert(
      fc.property(arb, (v) => {
        const back = ipxeOptions.decode(ipxeOptions.encode(v));
        assert.equal(back.noPxeDhcp, v.noPxeDhcp);
        assert.deepEqual(back.busId, v.busId);
        assert.deepEqual(back.subOptions.filter((s) => s.code <= 175), v.subOptions);
      }),
      { numRuns: 300 },
    );
  });

  it('whole packets: random header and options survive encode/decode; with the 576 default they fit or fail with too-big', () => {
    const header = rec({
      op: fc.constantFrom(1, 2), htype: u8, hlen: fc.integer({ min: 0, max: 16 }), hops: u8, xid: u32, secs: u16, flags: u16,
      ciaddr: ip, yiaddr: ip, siaddr: ip, giaddr: ip, chaddr: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      sname: latin1(0, 63), file: latin1(0, 127),
    });
    const opts = rec(arbitraries as { [K in keyof DhcpOptions]: fc.Arbitrary<unknown> }, { requiredKeys: ['messageType'] });
    fc.assert(
      fc.property(header, opts, (h, o) => {
        const p = withOptions({ ...h, options: {}, rawOptions: [] }, o as DhcpOptions);
        const back = decodeDhcp(encodeDhcp(p, { maxMessageSize: 65535 }));
        assert.deepEqual(back, p);
        try {
          const small = encodeDhcp(p);
          assert.ok(small.length <= 548);
          const { overload, ...typed } = decodeDhcp(small).options;
          assert.deepEqual(typed, p.options); // same options, wherever overload put them
          if (overload === undefined) assert.deepEqual(small.subarray(0, 236), encodeDhcp(p, { maxMessageSize: 65535 }).subarray(0, 236));
        } catch (e) {
          assert.match(String(e), /too-big/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
