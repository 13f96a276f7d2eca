// Leases survive a controller restart: DORA against the SQL lease store in a real SQLite file, close everything,
// open it again, and the same client keeps its address while no other client can take it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStores } from '../../src/store/open-store.ts';
import { DhcpService } from '../../src/boot/dhcp/dhcp-service.ts';
import { clientBytes, type ClientRequest } from '../../src/boot/dhcp/dhcp-request-builder.ts';
import { decodeDhcp } from '../../src/codec/dhcp/dhcp-packet.ts';
import { MemoryEventSink } from '../../src/domain/events/event-sink.ts';
import { FakeInventory, testConfig } from '../../src/boot/dhcp/dhcp-service-fixture.ts';

async function controller(file: string) {
  const stores = await openStores({ kind: 'sqlite', path: file });
  const service = new DhcpService({ config: testConfig(), leases: stores.leases, reservations: new FakeInventory(), events: new MemoryEventSink() });
  const send = async (r: ClientRequest) => {
    const out = await service.handle(clientBytes(r), { interface: 'eth-a', via: 'dhcp', source: { address: '0.0.0.0', port: 68 } });
    return out && decodeDhcp(out.bytes);
  };
  return { send, close: () => stores.inventory.close() };
}

test('a bound lease is still there after a restart: same address for its MAC, never for another', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's0-lease-'));
  const file = path.join(dir, 'stage0.db');
  const a = '52:54:00:aa:00:01';
  const b = '52:54:00:aa:00:02';
  try {
    const first = await controller(file);
    const offer = await first.send({ type: 'DISCOVER', mac: a });
    assert.equal(offer?.options.messageType, 'OFFER');
    const ack = await first.send({ type: 'REQUEST', mac: a, requestedIp: offer!.yiaddr, serverId: '10.98.1.1' });
    assert.equal(ack?.options.messageType, 'ACK');
    await first.close();

    const second = await controller(file);
    const again = await second.send({ type: 'DISCOVER', mac: a });
    assert.equal(again?.yiaddr, ack!.yiaddr, 'the restarted controller offers the client its bound address');
    const other = await second.send({ type: 'DISCOVER', mac: b });
    assert.ok(other && other.yiaddr !== ack!.yiaddr, 'another client never gets it');
    const steal = await second.send({ type: 'REQUEST', mac: b, requestedIp: ack!.yiaddr, serverId: '10.98.1.1' });
    assert.notEqual(steal?.options.messageType, 'ACK', 'a REQUEST for an address held by another MAC is refused');
    await second.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
