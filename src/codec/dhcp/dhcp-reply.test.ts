// buildReply against dnsmasq's captured replies, RFC 2131 table 3 rules, option 82 echo, and reply destinations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readHexFixture } from '../../../test/fixtures/dhcp/read-hex-fixture.ts';
import { clientKey, isIpxe, macOf } from './dhcp-client-facts.ts';
import { decodeDhcp, encodeDhcp, withOptions, withRawOption, type DhcpPacket } from './dhcp-packet.ts';
import { buildReply, replyDestination, replyLimits, type ReplySpec } from './dhcp-reply.ts';

const fixture = (name: string) => decodeDhcp(readHexFixture(name));
const lab = { serverId: '10.99.0.1', yiaddr: '10.99.0.157', siaddr: '10.99.0.1' };
/** The options dnsmasq sent in the lab, in its order. dnsmasq NUL-terminates option 67 (old PXE ROMs expect it). */
const labOptions = (bootfileName: string): ReplySpec['options'] => ({
  leaseTime: 3600,
  bootfileName: `${bootfileName}\u0000`,
  renewalTime: 1800,
  rebindingTime: 3150,
  subnetMask: '255.255.255.0',
  broadcastAddress: '10.99.0.255',
  routers: ['10.99.0.1'],
});

describe('buildReply', () => {
  it("reproduces dnsmasq's OFFER to iPXE byte for byte, apart from RFC 6842's option 61 echo and RFC 2131's secs = 0", () => {
    const req = fixture('ipxe-bios-discover');
    const reply = buildReply(req, {
      type: 'OFFER',
      ...lab,
      options: labOptions('http://10.99.0.1:8080/boot.ipxe'),
      rawOptions: [{ code: 175, data: Uint8Array.of(176, 1, 1, 255) }],
    });
    assert.deepEqual(reply.rawOptions.at(-1)?.code, 61);
    assert.equal(reply.secs, 0); // table 3; dnsmasq leaves the client's secs (4) in its reply
    const likeDnsmasq = { ...withRawOption(reply, 61, undefined), secs: req.secs };
    assert.deepEqual(encodeDhcp(likeDnsmasq, replyLimits(req)), readHexFixture('dnsmasq-offer-ipxe-bios'));
  });

  it("reproduces dnsmasq's broadcast OFFER to OVMF PXE byte for byte", () => {
    const req = fixture('ovmf-pxe-discover'); // no option 61 to echo
    const reply = buildReply(req, { type: 'OFFER', ...lab, options: labOptions('snponly.efi') });
    assert.deepEqual(encodeDhcp(reply, replyLimits(req)), readHexFixture('dnsmasq-offer-ovmf-pxe'));
    assert.deepEqual(replyDestination(req, reply), { address: '255.255.255.255', port: 68, broadcast: true });
  });

  it("reproduces dnsmasq's OFFER that OVMF HTTP boot accepts (option 60 HTTPClient, URL bootfile)", () => {
    const req = fixture('ovmf-http-discover');
    const reply = buildReply(req, { type: 'OFFER', ...lab, options: { ...labOptions('http://10.99.0.1:8080/nbp.efi'), vendorClass: 'HTTPClient' } });
    assert.deepEqual(encodeDhcp(reply, replyLimits(req)), readHexFixture('dnsmasq-offer-ovmf-http'));
  });

  it('copies xid, flags, giaddr, chaddr and echoes option 82 byte for byte, last (RFC 3046 §2.2)', () => {
    const agent = Uint8Array.of(1, 4, 0x65, 0x74, 0x68, 0x30, 2, 2, 0xab, 0xcd, 9, 3, 0, 0, 0); // sub-option 9 kept as is
    const req = withRawOption({ ...fixture('ipxe-bios-request'), giaddr: '192.0.2.1', flags: 0x8000 }, 82, agent);
    const reply = buildReply(req, { type: 'ACK', ...lab, options: { leaseTime: 60 } });
    assert.equal(reply.xid, req.xid);
    assert.equal(reply.flags, 0x8000);
    assert.equal(reply.giaddr, '192.0.2.1');
    assert.equal(macOf(reply), macOf(req));
    assert.equal(reply.hops, 0);
    assert.equal(reply.secs, 0);
    assert.deepEqual(reply.rawOptions.map((o) => o.code), [53, 54, 51, 61, 82]);
    const wire = encodeDhcp(reply, replyLimits(req));
    assert.ok(wire.includes(Buffer.from([82, agent.length, ...agent, 255])), 'option 82 is the last option, unchanged');
    assert.equal(Buffer.from(decodeDhcp(wire).options.relayAgentInfo!.circuitId!).toString(), 'eth0');
    assert.deepEqual(replyDestination(req, reply), { address: '192.0.2.1', port: 67, broadcast: false });
  });

  it('ACK copies ciaddr (RENEWING) and is unicast to it; OFFER zeroes it', () => {
    const req = { ...fixture('ipxe-bios-request'), ciaddr: '10.99.0.157' };
    const ack = buildReply(req, { type: 'ACK', ...lab });
    assert.equal(ack.ciaddr, '10.99.0.157');
    assert.deepEqual(replyDestination(req, ack), { address: '10.99.0.157', port: 68, broadcast: false });
    assert.equal(buildReply(req, { type: 'OFFER', ...lab }).ciaddr, '0.0.0.0');
  });

  it('a unicast-capable client without ciaddr gets its reply at yiaddr', () => {
    const req = fixture('ipxe-bios-discover');
    const offer = buildReply(req, { type: 'OFFER', ...lab });
    assert.deepEqual(replyDestination(req, offer), { address: '10.99.0.157', port: 68, broadcast: false });
  });

  it('NAK: no addresses, no boot parameters, only a message; broadcast when there is no relay', () => {
    const req = { ...fixture('ipxe-bios-request'), ciaddr: '10.1.1.1' };
    const nak = buildReply(req, { type: 'NAK', ...lab, file: 'x.efi', options: { message: 'wrong network' } });
    assert.deepEqual([nak.yiaddr, nak.siaddr, nak.ciaddr, nak.file], ['0.0.0.0', '0.0.0.0', '0.0.0.0', '']);
    assert.equal(nak.options.message, 'wrong network');
    assert.deepEqual(nak.rawOptions.map((o) => o.code), [53, 54, 56, 61]);
    assert.deepEqual(replyDestination(req, nak), { address: '255.255.255.255', port: 68, broadcast: true });
    assert.throws(() => buildReply(req, { type: 'NAK', ...lab, options: { leaseTime: 1 } }), RangeError);
  });

  it('ACK to INFORM: no yiaddr and no lease time (RFC 2131 table 3)', () => {
    const inform = withOptions({ ...fixture('udhcpc-discover'), ciaddr: '10.99.0.50' }, { messageType: 'INFORM' });
    const ack = buildReply(inform, { type: 'ACK', ...lab, options: { dnsServers: ['10.99.0.1'] } });
    assert.equal(ack.yiaddr, '0.0.0.0');
    assert.equal(ack.ciaddr, '10.99.0.50');
    assert.throws(() => buildReply(inform, { type: 'ACK', ...lab, options: { leaseTime: 60 } }), RangeError);
  });

  it('refuses options a reply must not carry or that it sets itself', () => {
    const req = fixture('ipxe-bios-discover');
    for (const options of [{ requestedIp: '1.2.3.4' }, { parameterRequestList: [1] }, { maxMessageSize: 1500 }, { serverId: '1.1.1.1' }, { clientId: Uint8Array.of(1) }]) {
      assert.throws(() => buildReply(req, { type: 'OFFER', ...lab, options }), RangeError, JSON.stringify(options));
    }
  });

  it('replyLimits takes option 57 from the request', () => {
    assert.deepEqual(replyLimits(fixture('ovmf-pxe-request')), { maxMessageSize: 65280 });
    const bare: DhcpPacket = withOptions(fixture('ovmf-pxe-request'), { maxMessageSize: undefined });
    assert.deepEqual(replyLimits(bare), {});
  });
});

describe('client facts', () => {
  it('isIpxe: user class iPXE in either format, or option 175 alone', () => {
    const pxe = fixture('ovmf-pxe-discover');
    assert.equal(isIpxe(pxe), false);
    assert.equal(isIpxe(withOptions(pxe, { userClass: { format: 'rfc3004', classes: ['x', 'iPXE'] } })), true);
    assert.equal(isIpxe(withRawOption(pxe, 175, Uint8Array.of(177, 5, 1, 0, 0, 0, 0))), true);
    assert.equal(isIpxe(withOptions(pxe, { userClass: { format: 'plain', classes: ['gPXE'] } })), false);
  });

  it('clientKey prefers option 61 over chaddr (RFC 2131 §4.2)', () => {
    assert.equal(clientKey(fixture('ipxe-bios-discover')), '01:52:54:00:12:34:56');
    assert.equal(clientKey(fixture('ovmf-pxe-discover')), '52:54:00:12:34:56');
  });
});
