// The DHCP load generator against the real DHCP listener on loopback (relay mode, as perfdhcp): it counts what it
// gets, and counts drops when nobody answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loopbackService } from '../boot/dhcp/dhcp-service-fixture.ts';
import { MemoryLeaseStore } from '../boot/dhcp/memory-lease-store.ts';
import { DhcpListener } from '../net/dhcp-listener.ts';
import { freeUdpPort } from '../../test/support/free-udp-port.ts';
import { runDhcpRate } from './dhcp-rate.ts';

describe('DHCP rate generator (perfdhcp-style, relay mode)', () => {
  it('completes every exchange against a server that keeps up, and reports round trips', async () => {
    const port = await freeUdpPort();
    const leases = new MemoryLeaseStore();
    const service = loopbackService(port, leases);
    const listener = new DhcpListener({ service, bindToDevice: false, bindAddress: '127.0.0.1', expireEveryMs: 0 });
    await listener.start();
    try {
      const r = await runDhcpRate({ server: '127.0.0.1', relay: '127.0.0.2', port, rate: 200, durationMs: 1000, clients: 150 });
      assert.equal(r.discovers, 200);
      assert.deepEqual([r.offers, r.requests, r.acks, r.drops], [200, 200, 200, 0]);
      assert.ok(r.rttMs.p50 > 0 && r.rttMs.p99 >= r.rttMs.p50);
      // 150 distinct MACs: the 50 that came back renewed the address they already had.
      const bound = (await leases.list()).filter((l) => l.state === 'bound');
      assert.equal(new Set(bound.map((l) => l.mac)).size, 150);
    } finally {
      await listener.stop();
    }
  });

  it('counts every exchange as dropped when nobody answers', async () => {
    const port = await freeUdpPort();
    const r = await runDhcpRate({ server: '127.0.0.1', relay: '127.0.0.2', port, rate: 100, durationMs: 300, clients: 10, dropAfterMs: 200 });
    assert.deepEqual([r.discovers, r.offers, r.acks, r.drops, r.dropPercent], [30, 0, 0, 30, 100]);
  });

  it('refuses rates and durations beyond its bounds', async () => {
    await assert.rejects(runDhcpRate({ server: '127.0.0.1', relay: '127.0.0.2', rate: 1e6, durationMs: 1000, clients: 1 }), /rate must be/);
    await assert.rejects(runDhcpRate({ server: '127.0.0.1', relay: '127.0.0.2', rate: 10, durationMs: 1e7, clients: 1 }), /duration must be/);
  });
});
