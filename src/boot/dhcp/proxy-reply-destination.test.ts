// Where proxyDHCP (port 4011) answers go: iPXE asks before it has applied its address and sets the broadcast flag.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, KNOWN, testConfig } from './dhcp-service-fixture.ts';

const ipxeProxyRequest = { type: 'REQUEST' as const, mac: KNOWN.n1.mac, ciaddr: '10.98.1.99', arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', userClass: 'iPXE' };

it('a 4011 REQUEST with the broadcast flag is answered by broadcast to its source port (iPXE cannot ARP for ciaddr yet)', async () => {
  const h = harness(testConfig({ mode: 'proxy' }));
  const ack = await h.send({ ...ipxeProxyRequest, flags: 0x8000 }, { via: 'proxy', source: { address: '10.98.1.99', port: 68 } });
  assert.ok(ack);
  assert.deepEqual([ack.address, ack.port, ack.broadcast], ['255.255.255.255', 68, true]);
  assert.equal(ack.decoded.options.messageType, 'ACK');
  assert.equal(ack.decoded.flags & 0x8000, 0x8000, 'the flag is echoed');
});

it('without the flag the 4011 answer is unicast to where the request came from', async () => {
  const h = harness(testConfig({ mode: 'proxy' }));
  const ack = await h.send(ipxeProxyRequest, { via: 'proxy', source: { address: '10.98.1.99', port: 68 } });
  assert.deepEqual([ack?.address, ack?.port, ack?.broadcast], ['10.98.1.99', 68, false]);
});

it('an HTTP boot answer carries next-server: iPXE ignores a ProxyDHCP reply without siaddr and a boot file', async () => {
  const h = harness(testConfig({ mode: 'proxy' }));
  const offer = await h.send({ type: 'DISCOVER', mac: KNOWN.n1.mac, arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', userClass: 'iPXE' });
  assert.ok(offer);
  assert.equal(offer.decoded.yiaddr, '0.0.0.0');
  assert.notEqual(offer.decoded.siaddr, '0.0.0.0');
  assert.match(String(offer.decoded.options.bootfileName), /\/boot\.ipxe\?mac=/);
  assert.equal(offer.decoded.options.vendorClass, 'PXEClient');
});
