// Boot decisions per firmware (table-driven): what each client finds in its OFFER, in authoritative and proxy mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness, rawHex, testConfig } from './dhcp-service-fixture.ts';
import type { ClientRequest } from './dhcp-request-builder.ts';

const MAC = '02:aa:00:00:00:01';
const HTTP = 'http://10.98.1.1:8080';

interface Case {
  name: string;
  req: Omit<ClientRequest, 'type' | 'mac'>;
  file: string;
  siaddr: string;
  opt66?: string;
  /** Option 60 in the reply. */
  vendorClass?: string;
  /** Option 43 hex. */
  pxe43?: string;
  /** Option 175 hex (authoritative only). */
  ipxe175?: string;
}

const CASES: Case[] = [
  {
    name: 'BIOS iPXE ROM (user class iPXE, arch 0): per-MAC boot script over HTTP, no ProxyDHCP wait',
    req: { arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', userClass: 'iPXE', ipxeOptions: true },
    file: `${HTTP}/boot.ipxe?mac=${MAC}`, siaddr: '10.98.1.1', vendorClass: 'PXEClient', pxe43: '060108ff', ipxe175: 'b00101',
  },
  {
    name: 'iPXE on UEFI (user class iPXE, arch 7): boot script too',
    req: { arch: 7, vendorClass: 'PXEClient:Arch:00007:UNDI:003010', userClass: 'iPXE' },
    file: `${HTTP}/boot.ipxe?mac=${MAC}`, siaddr: '10.98.1.1', vendorClass: 'PXEClient', pxe43: '060108ff', ipxe175: 'b00101',
  },
  {
    name: 'OVMF native PXE (arch 7): snponly.efi over TFTP',
    req: { arch: 7, vendorClass: 'PXEClient:Arch:00007:UNDI:003016' },
    file: 'snponly.efi', siaddr: '10.98.1.1', opt66: '10.98.1.1', vendorClass: 'PXEClient', pxe43: '060108ff',
  },
  {
    name: 'UEFI PXE arch 9: snponly.efi over TFTP',
    req: { arch: 9, vendorClass: 'PXEClient:Arch:00009:UNDI:003016' },
    file: 'snponly.efi', siaddr: '10.98.1.1', opt66: '10.98.1.1', vendorClass: 'PXEClient', pxe43: '060108ff',
  },
  {
    name: 'OVMF HTTP boot (arch 16): snponly.efi as URL with option 60 HTTPClient',
    req: { arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003001' },
    file: `${HTTP}/boot/ipxe/snponly.efi`, siaddr: '10.98.1.1', vendorClass: 'HTTPClient',
  },
  {
    name: 'BIOS PXE ROM (arch 0, no iPXE): undionly.kpxe over TFTP',
    req: { arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001' },
    file: 'undionly.kpxe', siaddr: '10.98.1.1', opt66: '10.98.1.1', vendorClass: 'PXEClient', pxe43: '060108ff',
  },
  {
    name: 'ordinary client (no vendor class): an address and no boot info',
    req: {},
    file: '', siaddr: '0.0.0.0',
  },
];

describe('boot handler, authoritative', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const h = harness();
      const out = await h.send({ type: 'DISCOVER', mac: MAC, ...c.req });
      assert.ok(out, 'no OFFER');
      const p = out.decoded;
      assert.equal(p.options.messageType, 'OFFER');
      assert.match(p.yiaddr, /^10\.98\.1\.10\d$/);
      assert.equal(p.file, c.file);
      assert.equal(p.options.bootfileName, c.file === '' ? undefined : c.file);
      assert.equal(p.siaddr, c.siaddr);
      assert.equal(p.options.tftpServerName, c.opt66);
      assert.equal(p.options.vendorClass, c.vendorClass);
      assert.equal(rawHex(p, 43), c.pxe43);
      assert.equal(rawHex(p, 175), c.ipxe175);
      const ev = h.events.events.find((e) => e.kind === 'dhcp.offer');
      assert.equal(ev?.details.mac, MAC);
      if (c.file) assert.equal(ev?.details.url ?? ev?.details.bootfile, c.file);
    });
  }
});

describe('boot handler, proxy mode (next to another DHCP server)', () => {
  for (const c of CASES.filter((x) => x.file !== '')) {
    it(`${c.name}: OFFER without an address, vendor class set, no 175`, async () => {
      const h = harness(testConfig({ mode: 'proxy' }));
      const out = await h.send({ type: 'DISCOVER', mac: MAC, ...c.req });
      assert.ok(out, 'no proxy OFFER');
      const p = out.decoded;
      assert.equal(p.options.messageType, 'OFFER');
      assert.equal(p.yiaddr, '0.0.0.0');
      assert.equal(p.file, c.file);
      assert.equal(p.options.serverId, '10.98.1.1');
      assert.equal(p.options.vendorClass, c.vendorClass ?? 'PXEClient');
      assert.equal(rawHex(p, 175), undefined, 'iPXE must still look for this very proxy offer');
      assert.equal(p.options.leaseTime, undefined);
      assert.deepEqual({ address: out.address, port: out.port }, { address: '255.255.255.255', port: 68 });
      assert.deepEqual(await h.leases.list(), [], 'proxy mode never writes a lease');
    });
  }
});
