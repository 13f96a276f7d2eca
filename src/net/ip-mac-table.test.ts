import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpMacTable } from './ip-mac-table.ts';
import { MemoryEventSink } from '../domain/events/event-sink.ts';

const arp = `IP address       HW type     Flags       HW address            Mask     Device
10.99.0.157      0x1         0x2         52:54:00:12:34:56     *        br0
10.99.0.158      0x1         0x0         00:00:00:00:00:00     *        br0
`;

test('learns from DHCP ACKs it passes on, falls back to the neighbour table', () => {
  const table = new IpMacTable(() => arp);
  const sink = new MemoryEventSink();
  const tapped = table.tap(sink);
  tapped.emit({ actor: 'dhcp', node: 'n1', kind: 'dhcp.ack', details: { ip: '10.99.0.10', mac: '52:54:00:00:00:10' } });
  tapped.emit({ actor: 'dhcp', node: null, kind: 'dhcp.offer', details: { ip: '10.99.0.11', mac: '52:54:00:00:00:11' } });
  assert.equal(sink.events.length, 2);
  assert.equal(table.macOf('10.99.0.10'), '52:54:00:00:00:10');
  assert.equal(table.macOf('10.99.0.11'), undefined, 'an offer is not an address in use');
  assert.equal(table.macOf('10.99.0.157'), '52:54:00:12:34:56');
  assert.equal(table.macOf('10.99.0.158'), undefined, 'incomplete neighbour entries are ignored');
});

test('one read of the neighbour table answers lookups for neighbourTtlMs, then it is read again', () => {
  let reads = 0;
  let t = 0;
  let table = arp;
  const ipMac = new IpMacTable(() => (reads++, table), { neighbourTtlMs: 1000, now: () => t });
  assert.equal(ipMac.macOf('10.99.0.157'), '52:54:00:12:34:56');
  assert.equal(ipMac.macOf('10.99.0.99'), undefined);
  assert.equal(reads, 1);
  table = arp.replace('52:54:00:12:34:56', '52:54:00:ab:cd:ef');
  t = 999;
  assert.equal(ipMac.macOf('10.99.0.157'), '52:54:00:12:34:56', 'still the first read');
  t = 1000;
  assert.equal(ipMac.macOf('10.99.0.157'), '52:54:00:ab:cd:ef');
  assert.equal(reads, 2);
});
