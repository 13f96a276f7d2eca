// Header, option areas, overload (RFC 2131 §4.1), long options (RFC 3396) and the reasons malformed input is rejected with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readHexFixture } from '../../../test/fixtures/dhcp/read-hex-fixture.ts';
import { DhcpDecodeError, DhcpEncodeError, decodeDhcp, encodeDhcp, withOptions, withRawOption, type DhcpPacket } from './dhcp-packet.ts';
import { decodeOptions } from './dhcp-options.ts';
import { layoutOptions, optionTlvs } from './option-wire.ts';

/** A BOOTREQUEST with the given option bytes (after the cookie) and optional file/sname area bytes. */
function wire(options: number[], areas: { file?: number[]; sname?: number[]; op?: number; hlen?: number; cookie?: number[] } = {}): Buffer {
  const b = Buffer.alloc(240 + options.length);
  b[0] = areas.op ?? 1;
  b[1] = 1;
  b[2] = areas.hlen ?? 6;
  b.set([0xde, 0xad, 0xbe, 0xef], 4);
  b.set([0x52, 0x54, 0, 1, 2, 3], 28);
  if (areas.sname) b.set(areas.sname, 44);
  if (areas.file) b.set(areas.file, 108);
  b.set(areas.cookie ?? [99, 130, 83, 99], 236);
  b.set(options, 240);
  return b;
}
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const DISCOVER = [53, 1, 1];

function reasonOf(buf: Uint8Array): string {
  try {
    decodeDhcp(buf);
  } catch (e) {
    assert.ok(e instanceof DhcpDecodeError, `not a DhcpDecodeError: ${e}`);
    return e.reason;
  }
  return 'decoded';
}

describe('decodeDhcp rejects malformed packets with a reason', () => {
  const table: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'short-header'],
    ['header without cookie', wire(DISCOVER).subarray(0, 239), 'short-header'],
    ['wrong cookie', wire(DISCOVER, { cookie: [99, 130, 83, 98] }), 'bad-cookie'],
    ['op 3', wire(DISCOVER, { op: 3 }), 'bad-op'],
    ['hlen 17', wire(DISCOVER, { hlen: 17 }), 'bad-hlen'],
    ['option length past the end', wire([...DISCOVER, 12, 5, 97]), 'truncated-option'],
    ['option code with no length byte', wire([...DISCOVER, 12]), 'truncated-option'],
    ['no option 53', wire([12, 1, 97, 255]), 'missing-message-type'],
    ['no options at all', wire([]), 'missing-message-type'],
    ['option 53 of 2 bytes', wire([53, 2, 1, 1, 255]), 'bad-length:53'],
    ['option 53 = 9', wire([53, 1, 9, 255]), 'bad-message-type:9'],
    ['option 53 = 0', wire([53, 1, 0, 255]), 'bad-message-type:0'],
    ['subnet mask of 3 bytes', wire([...DISCOVER, 1, 3, 255, 255, 255, 255]), 'bad-length:1'],
    ['routers of 6 bytes', wire([...DISCOVER, 3, 6, 10, 0, 0, 1, 10, 0, 255]), 'bad-length:3'],
    ['lease time of 2 bytes', wire([...DISCOVER, 51, 2, 0, 1, 255]), 'bad-length:51'],
    ['empty parameter request list', wire([...DISCOVER, 55, 0, 255]), 'bad-length:55'],
    ['overload = 4', wire([...DISCOVER, 52, 1, 4, 255]), 'bad-overload'],
    ['overload of 2 bytes', wire([...DISCOVER, 52, 2, 1, 1, 255]), 'bad-length:52'],
    ['overload into a truncated file area', wire([...DISCOVER, 52, 1, 1, 255], { file: [...new Array<number>(126).fill(0), 12, 9] }), 'truncated-option'],
    ['client arch of 3 bytes', wire([...DISCOVER, 93, 3, 0, 0, 7, 255]), 'bad-length:93'],
    ['client NDI of 2 bytes', wire([...DISCOVER, 94, 2, 1, 3, 255]), 'bad-length:94'],
    ['client GUID of 5 bytes', wire([...DISCOVER, 97, 5, 0, 1, 2, 3, 4, 255]), 'bad-length:97'],
    ['classless route /33', wire([...DISCOVER, 121, 9, 33, 10, 0, 0, 0, 10, 0, 0, 1, 255]), 'bad-value:121'],
    ['classless route cut short', wire([...DISCOVER, 121, 6, 24, 10, 0, 0, 10, 0, 255]), 'bad-length:121'],
    ['domain search pointer forwards', wire([...DISCOVER, 119, 4, 1, 97, 0xc0, 0, 255]), 'bad-value:119'],
    ['domain search pointer to itself', wire([...DISCOVER, 119, 2, 0xc0, 0, 255]), 'bad-value:119'],
    ['domain search label past the end', wire([...DISCOVER, 119, 3, 5, 97, 98, 255]), 'bad-value:119'],
    ['relay agent sub-option past the end', wire([...DISCOVER, 82, 4, 1, 5, 1, 2, 255]), 'bad-length:82'],
    ['iPXE sub-option past the end', wire([...DISCOVER, 175, 3, 177, 5, 1, 255]), 'bad-length:175'],
    ['empty user class', wire([...DISCOVER, 77, 0, 255]), 'bad-length:77'],
    ['max message size of 1 byte', wire([...DISCOVER, 57, 1, 2, 255]), 'bad-length:57'],
  ];
  for (const [what, buf, reason] of table) it(`${what} -> ${reason}`, () => assert.equal(reasonOf(buf), reason));

  it('the error message names the reason', () => {
    assert.throws(() => decodeDhcp(new Uint8Array(10)), { name: 'DhcpDecodeError', message: /short-header/ });
  });
});

describe('decodeDhcp option areas', () => {
  it('skips pad options and accepts a missing end option', () => {
    const p = decodeDhcp(wire([0, 0, ...DISCOVER, 0, 12, 1, 97]));
    assert.equal(p.options.hostname, 'a');
  });

  it('ignores bytes after the end option', () => {
    const p = decodeDhcp(wire([...DISCOVER, 255, 12, 40]));
    assert.deepEqual(p.rawOptions.map((o) => o.code), [53]);
  });

  it('concatenates repeated instances of one option (RFC 3396 §5)', () => {
    const p = decodeDhcp(wire([12, 2, ...ascii('ab'), ...DISCOVER, 12, 3, ...ascii('cde'), 255]));
    assert.equal(p.options.hostname, 'abcde');
    assert.deepEqual(p.rawOptions.map((o) => o.code), [12, 53]); // first-appearance order
  });

  it('reads options from file then sname when option 52 says so, and concatenates across them', () => {
    const file = [12, 2, ...ascii('cd'), 67, 4, ...ascii('boot'), 255];
    const sname = [12, 1, ...ascii('e'), 66, 3, ...ascii('tft'), 255];
    const p = decodeDhcp(wire([...DISCOVER, 52, 1, 3, 12, 2, ...ascii('ab'), 255], { file, sname }));
    assert.equal(p.options.hostname, 'abcde');
    assert.equal(p.options.bootfileName, 'boot');
    assert.equal(p.options.tftpServerName, 'tft');
    assert.equal(p.options.overload, 3);
    assert.equal(p.file, '');
    assert.equal(p.sname, '');
  });

  it('leaves sname a string when only file is overloaded', () => {
    const p = decodeDhcp(wire([...DISCOVER, 52, 1, 1, 255], { file: [67, 1, 120, 255], sname: ascii('server1') }));
    assert.equal(p.sname, 'server1');
    assert.equal(p.options.bootfileName, 'x');
  });

  it('keeps unknown options raw and typed options typed', () => {
    const p = decodeDhcp(wire([...DISCOVER, 224, 3, 1, 2, 3, 255]));
    assert.deepEqual([...p.rawOptions[1]!.data], [1, 2, 3]);
    assert.equal(Object.keys(p.options).length, 1);
  });
});

describe('encodeDhcp', () => {
  const base = (): DhcpPacket => decodeDhcp(wire([...DISCOVER, 255]));

  it('pads short messages to the 300-byte BOOTP minimum', () => {
    const b = encodeDhcp(base());
    assert.equal(b.length, 300);
    assert.deepEqual([...b.subarray(240, 244)], [53, 1, 1, 255]);
  });

  it('writes every header field where RFC 2131 figure 1 puts it', () => {
    const p: DhcpPacket = { ...base(), op: 2, hops: 3, xid: 0xffffffff, secs: 65535, flags: 0x8000, ciaddr: '1.2.3.4', yiaddr: '5.6.7.8', siaddr: '9.10.11.12', giaddr: '13.14.15.16', sname: 'srv', file: 'f.efi' };
    const b = encodeDhcp(p);
    assert.equal(b.toString('hex', 0, 28), '020106' + '03' + 'ffffffff' + 'ffff' + '8000' + '01020304' + '05060708' + '090a0b0c' + '0d0e0f10');
    assert.equal(b.toString('latin1', 44, 47), 'srv');
    assert.equal(b.toString('latin1', 108, 113), 'f.efi');
    assert.deepEqual(decodeDhcp(b), { ...p, chaddr: p.chaddr });
  });

  it('splits a value longer than 255 bytes into instances of the same code (RFC 3396 §6)', () => {
    const long = 'x'.repeat(300);
    const b = encodeDhcp(withOptions(base(), { bootfileName: long }), { maxMessageSize: 1500 });
    assert.deepEqual([b[243], b[244]], [67, 255]);
    assert.deepEqual([b[243 + 257], b[243 + 258]], [67, 45]);
    assert.equal(decodeDhcp(b).options.bootfileName, long);
  });

  it('overloads into file, then sname, when the options do not fit 576 (RFC 2131 §4.1)', () => {
    const p = withOptions(base(), { domainName: 'd'.repeat(250), message: 'm'.repeat(60), hostname: 'h'.repeat(100) });
    const b = encodeDhcp(p);
    assert.ok(b.length <= 548, `${b.length} bytes`);
    assert.deepEqual([...b.subarray(240, 243)], [52, 1, 3]);
    const back = decodeDhcp(b);
    assert.equal(back.options.domainName, p.options.domainName);
    assert.equal(back.options.message, p.options.message);
    assert.equal(back.options.hostname, p.options.hostname);
  });

  it('uses the room the client offers in option 57 before overloading', () => {
    const p = withOptions(base(), { domainName: 'd'.repeat(250), message: 'm'.repeat(60), hostname: 'h'.repeat(100) });
    const b = encodeDhcp(p, { maxMessageSize: 1500 });
    assert.equal(b[240], 53);
    assert.equal(decodeDhcp(b).options.overload, undefined);
  });

  it('does not overload a field that holds a name', () => {
    const p = { ...withOptions(base(), { domainName: 'd'.repeat(250), message: 'm'.repeat(60), hostname: 'h'.repeat(100) }), file: 'boot.efi' };
    assert.throws(() => encodeDhcp(p), (e: unknown) => e instanceof DhcpEncodeError && e.reason === 'too-big');
  });

  it('fails clearly when even overloading is not enough', () => {
    const p = withOptions(base(), { domainName: 'd'.repeat(255), message: 'm'.repeat(255), hostname: 'h'.repeat(255) });
    assert.throws(() => encodeDhcp(p), /too-big/);
    assert.ok(encodeDhcp(p, { maxMessageSize: 1500 }).length > 576);
  });

  it('keeps raw-level edits in place and new options before option 82', () => {
    let p = withRawOption(base(), 82, Uint8Array.of(1, 1, 7));
    p = withOptions(p, { hostname: 'n1' });
    p = withRawOption(p, 224, Uint8Array.of(9));
    assert.deepEqual(p.rawOptions.map((o) => o.code), [53, 12, 224, 82]);
    p = withOptions(p, { hostname: undefined });
    assert.deepEqual(p.rawOptions.map((o) => o.code), [53, 224, 82]);
    assert.equal(p.options.hostname, undefined);
  });

  it('re-encodes a captured request to identical bytes', () => {
    const bytes = readHexFixture('ipxe-bios-discover');
    assert.deepEqual(encodeDhcp(decodeDhcp(bytes), { maxMessageSize: 1472 }), bytes);
  });

  it('writes the options field in one pass exactly as the TLVs one by one would be (empty, 1, 255, 256, 510, 511 bytes; 52 left out)', () => {
    const sizes = [0, 1, 255, 256, 510, 511];
    const raw = [{ code: 52, data: Uint8Array.of(3) }, ...sizes.map((n, i) => ({ code: 200 + i, data: Uint8Array.from({ length: n }, (_, k) => (k * 7 + i) & 255) }))];
    const tlvs = raw.filter((o) => o.code !== 52).flatMap(optionTlvs);
    const want = Buffer.concat([...tlvs, Uint8Array.of(255)]);
    const got = layoutOptions(raw, want.length, { file: false, sname: false });
    assert.deepEqual(Buffer.from(got.options), want);
    assert.equal(got.file, undefined);
    assert.throws(() => layoutOptions(raw, want.length - 1, { file: false, sname: false }), /too-big/, 'one byte short: no room, nowhere to spill');
    assert.throws(() => layoutOptions([{ code: 255, data: new Uint8Array(0) }], 100, { file: false, sname: false }), /bad-code/);
  });
});

describe('withOptions and withRawOption keep the typed view equal to a full decode of the raw list', () => {
  // They decode again only the codes they change: each step below is checked against decoding everything.
  const same = (p: DhcpPacket) => assert.deepEqual(p.options, decodeOptions(p.rawOptions));
  for (const name of ['ipxe-bios-discover', 'ipxe-bios-request', 'dnsmasq-offer-ovmf-pxe', 'dnsmasq-ack-ovmf-http']) {
    it(name, () => {
      let p = decodeDhcp(readHexFixture(name));
      same(p);
      p = withOptions(p, { serverId: '10.0.0.1', messageType: 'OFFER', hostname: 'n1', leaseTime: 3600 });
      same(p);
      p = withOptions(p, { hostname: undefined, routers: ['10.0.0.254'], dnsServers: ['10.0.0.2', '10.0.0.3'] });
      same(p);
      assert.equal(p.options.hostname, undefined);
      assert.deepEqual(p.options.routers, ['10.0.0.254']);
      // 43 carries two fields (raw bytes and the lenient PXE view): both follow a change of either source.
      p = withRawOption(p, 43, Uint8Array.of(6, 1, 8, 255));
      same(p);
      p = withOptions(p, { vendorSpecific: Uint8Array.of(1, 2, 3) });
      same(p);
      p = withRawOption(p, 43, undefined);
      same(p);
      assert.equal(p.options.vendorSpecific, undefined);
      p = withOptions(p, { messageType: 'ACK', clientArch: undefined, userClass: undefined });
      same(p);
    });
  }
});
