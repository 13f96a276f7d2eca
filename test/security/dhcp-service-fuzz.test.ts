// Mutated captures through the whole DHCP service (decoder + handler chain + lease store), in both modes: nothing
// may throw (every bad packet is a counted drop), and the service still serves known nodes afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness, KNOWN, testConfig } from '../../src/boot/dhcp/dhcp-service-fixture.ts';
import { mutate } from '../fixtures/dhcp/mutate-dhcp.ts';
import { dhcpFixtureNames, readHexFixture } from '../fixtures/dhcp/read-hex-fixture.ts';

const CASES = 5000;

describe('DHCP service fuzz (bounded)', () => {
  const fixtures = dhcpFixtureNames().map(readHexFixture);
  for (const mode of ['authoritative', 'proxy'] as const) {
    it(`${mode}: ${CASES} mutated requests, no exception, known nodes still served`, async () => {
      const h = harness(testConfig({ mode, rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } }));
      let replied = 0;
      for (let i = 0; i < CASES; i++) {
        const bytes = mutate(20261123 + i, fixtures[i % fixtures.length]!);
        const via = i % 3 === 0 ? 'proxy' : 'dhcp';
        h.clock.now += 50;
        try {
          if (await h.service.handle(bytes, { interface: i % 2 ? 'eth-a' : 'eth-b', via, source: { address: i % 5 ? '0.0.0.0' : '10.98.3.1', port: i % 7 ? 68 : 67 } })) replied++;
        } catch (e) {
          throw new Error(`case ${i} (seed ${20261123 + i}) threw: ${String(e)}`, { cause: e });
        }
      }
      const counters = h.service.counters.snapshot();
      assert.ok(replied > 50, `some mutants are valid enough to answer (${replied})`);
      assert.ok(Object.keys(counters).filter((k) => k.startsWith('malformed.')).length >= 5, `decoder rejections counted: ${JSON.stringify(counters)}`);
      const leases = await h.leases.list();
      assert.equal(new Set(leases.map((l) => l.ip)).size, leases.length, 'no address twice');
      if (mode === 'authoritative') {
        const ok = await h.send({ type: 'DISCOVER', mac: KNOWN.n1.mac });
        assert.equal(ok?.decoded.yiaddr, KNOWN.n1.ip);
      } else {
        assert.ok(await h.send({ type: 'DISCOVER', mac: KNOWN.n1.mac, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', arch: 0 }));
      }
    });
  }
});
