// Decodes every captured fixture, checks its fields against what the capture shows, and re-encodes it byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dhcpFixtureNames, readHexFixture } from '../../../test/fixtures/dhcp/read-hex-fixture.ts';
import { clientArch, clientId, isHttpBootClient, isIpxe, isPxeClient, macOf, messageType, vendorClass, wantsBroadcast } from './dhcp-client-facts.ts';
import { decodeDhcp, encodeDhcp, type DhcpPacket } from './dhcp-packet.ts';

const MAC = '52:54:00:12:34:56';
const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));
const IPXE_PRL = [1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 128, 129, 130, 131, 132, 133, 134, 135, 175, 203];

/** What each capture must decode to; `check` holds the fixture-specific assertions. */
const cases: Record<string, { type: string; op: number; xid: number; length: number; check: (p: DhcpPacket) => void }> = {
  'ipxe-bios-discover': {
    type: 'DISCOVER', op: 1, xid: 0xc200e301, length: 400,
    check: (p) => {
      assert.equal(p.secs, 4);
      assert.equal(clientArch(p), 0);
      assert.equal(isIpxe(p), true);
      assert.equal(isPxeClient(p), true);
      assert.deepEqual(p.options.userClass, { format: 'plain', classes: ['iPXE'] });
      assert.equal(vendorClass(p), 'PXEClient:Arch:00000:UNDI:002001');
      assert.deepEqual(p.options.clientNdi, { type: 1, major: 2, minor: 1 });
      assert.equal(p.options.maxMessageSize, 1472);
      assert.deepEqual(p.options.parameterRequestList, IPXE_PRL);
      assert.deepEqual(p.options.ipxe?.busId, { type: 1, vendor: 0x8086, device: 0x100e }); // e1000
      assert.equal(p.options.ipxe?.subOptions.length, 14);
      assert.equal(clientId(p), '01:52:54:00:12:34:56');
      assert.deepEqual(p.options.clientGuid, { type: 0, guid: '00000000-0000-0000-0000-000000000000' });
      assert.deepEqual(p.rawOptions.map((o) => o.code), [53, 57, 93, 94, 60, 77, 55, 175, 61, 97]);
    },
  },
  'ipxe-bios-request': {
    type: 'REQUEST', op: 1, xid: 0xc200e301, length: 412,
    check: (p) => {
      assert.equal(p.options.serverId, '10.99.0.1');
      assert.equal(p.options.requestedIp, '10.99.0.157');
      assert.equal(p.ciaddr, '0.0.0.0');
      assert.equal(isIpxe(p), true);
    },
  },
  'dnsmasq-offer-ipxe-bios': {
    type: 'OFFER', op: 2, xid: 0xc200e301, length: 326,
    check: (p) => {
      assert.equal(p.yiaddr, '10.99.0.157');
      assert.equal(p.siaddr, '10.99.0.1');
      assert.equal(p.options.bootfileName, 'http://10.99.0.1:8080/boot.ipxe');
      assert.equal(p.options.ipxe?.noPxeDhcp, true);
      assert.equal(hex(p.rawOptions.find((o) => o.code === 175)?.data), 'b00101ff'); // dnsmasq ends the encapsulation with 255
      assert.equal(p.options.leaseTime, 3600);
      assert.equal(p.options.renewalTime, 1800);
      assert.equal(p.options.rebindingTime, 3150);
      assert.equal(p.options.subnetMask, '255.255.255.0');
      assert.equal(p.options.broadcastAddress, '10.99.0.255');
      assert.deepEqual(p.options.routers, ['10.99.0.1']);
    },
  },
  'dnsmasq-ack-ipxe-bios': {
    type: 'ACK', op: 2, xid: 0xc200e301, length: 326,
    check: (p) => {
      assert.equal(p.yiaddr, '10.99.0.157');
      assert.equal(p.options.serverId, '10.99.0.1');
    },
  },
  'ovmf-pxe-discover': {
    type: 'DISCOVER', op: 1, xid: 0x6f021946, length: 347,
    check: (p) => {
      assert.equal(wantsBroadcast(p), true);
      assert.equal(clientArch(p), 7);
      assert.equal(isIpxe(p), false);
      assert.equal(isPxeClient(p), true);
      assert.equal(vendorClass(p), 'PXEClient:Arch:00007:UNDI:003000');
      assert.deepEqual(p.options.clientNdi, { type: 1, major: 3, minor: 0 });
      assert.equal(p.options.clientId, undefined);
      assert.equal(clientId(p), undefined);
      assert.deepEqual(p.options.parameterRequestList?.slice(-11), [66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135]);
    },
  },
  'ovmf-pxe-request': {
    type: 'REQUEST', op: 1, xid: 0x6f021946, length: 359,
    check: (p) => {
      assert.equal(p.options.maxMessageSize, 65280);
      assert.equal(p.options.requestedIp, '10.99.0.157');
      assert.equal(clientArch(p), 7);
    },
  },
  'dnsmasq-offer-ovmf-pxe': {
    type: 'OFFER', op: 2, xid: 0x6f021946, length: 300,
    check: (p) => {
      assert.equal(wantsBroadcast(p), true); // flags copied from the request
      assert.equal(p.options.bootfileName, 'snponly.efi');
      assert.equal(p.siaddr, '10.99.0.1');
    },
  },
  'dnsmasq-ack-ovmf-pxe': { type: 'ACK', op: 2, xid: 0x6f021946, length: 300, check: (p) => assert.equal(p.options.bootfileName, 'snponly.efi') },
  'ipxe-uefi-discover': {
    type: 'DISCOVER', op: 1, xid: 0x56dcc966, length: 388,
    check: (p) => {
      assert.equal(clientArch(p), 7);
      assert.equal(isIpxe(p), true);
      assert.equal(vendorClass(p), 'PXEClient:Arch:00007:UNDI:003010');
      assert.deepEqual(p.options.ipxe?.busId, { type: 1, vendor: 0x1af4, device: 0x1000 }); // virtio-net
    },
  },
  'ipxe-uefi-request': { type: 'REQUEST', op: 1, xid: 0x56dcc966, length: 400, check: (p) => assert.equal(p.options.requestedIp, '10.99.0.157') },
  'ovmf-http-discover': {
    type: 'DISCOVER', op: 1, xid: 0xc14f7d7e, length: 340,
    check: (p) => {
      assert.equal(wantsBroadcast(p), true);
      assert.equal(clientArch(p), 16);
      assert.equal(isHttpBootClient(p), true);
      assert.equal(isPxeClient(p), false);
      assert.equal(isIpxe(p), false);
      assert.equal(vendorClass(p), 'HTTPClient:Arch:00016:UNDI:003000');
      assert.equal(p.options.parameterRequestList?.includes(235), true);
    },
  },
  'dnsmasq-offer-ovmf-http': {
    type: 'OFFER', op: 2, xid: 0xc14f7d7e, length: 330,
    check: (p) => {
      assert.equal(p.options.vendorClass, 'HTTPClient'); // without it OVMF ignores the offer
      assert.equal(p.options.bootfileName, 'http://10.99.0.1:8080/nbp.efi');
      assert.equal(hex(p.rawOptions.find((o) => o.code === 67)?.data)?.slice(-2), '00'); // dnsmasq NUL-terminates 67
    },
  },
  'ovmf-http-request': {
    type: 'REQUEST', op: 1, xid: 0xc14f7d7e, length: 352,
    check: (p) => {
      assert.equal(clientArch(p), 16);
      assert.equal(p.options.requestedIp, '10.99.0.157');
      assert.equal(p.options.serverId, '10.99.0.1');
    },
  },
  'dnsmasq-ack-ovmf-http': { type: 'ACK', op: 2, xid: 0xc14f7d7e, length: 330, check: (p) => assert.equal(p.options.vendorClass, 'HTTPClient') },
  'udhcpc-discover': {
    type: 'DISCOVER', op: 1, xid: 0x4f50ac02, length: 300,
    check: (p) => {
      assert.equal(vendorClass(p), 'udhcp 1.35.0');
      assert.equal(p.options.maxMessageSize, 576);
      assert.deepEqual(p.options.parameterRequestList, [1, 3, 6, 12, 15, 28, 42]);
      assert.equal(clientArch(p), undefined);
    },
  },
  'dnsmasq-ack-udhcpc': {
    type: 'ACK', op: 2, xid: 0x4f50ac02, length: 300,
    check: (p) => {
      assert.equal(p.file, 'undionly.kpxe'); // BOOTP header field, no option 67
      assert.equal(p.options.bootfileName, undefined);
      assert.equal(p.sname, '');
    },
  },
};

describe('DHCP fixtures (real captures)', () => {
  it('every fixture file has a case and every case a file', () => {
    assert.deepEqual(dhcpFixtureNames(), Object.keys(cases).sort());
  });

  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: decodes to the captured fields and re-encodes byte for byte`, () => {
      const bytes = readHexFixture(name);
      assert.equal(bytes.length, c.length);
      const p = decodeDhcp(bytes);
      assert.equal(messageType(p), c.type);
      assert.equal(p.op, c.op);
      assert.equal(p.xid, c.xid);
      assert.equal(p.htype, 1);
      assert.equal(p.hlen, 6);
      assert.equal(macOf(p), MAC);
      c.check(p);
      // The captured DHCP payloads fit the 576 default, so no limit is needed to reproduce them.
      assert.deepEqual(encodeDhcp(p), bytes);
    });
  }
});
