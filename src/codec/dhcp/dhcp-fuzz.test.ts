// Bounded fuzzing in CI: 20,000 mutated captures; decode must return a packet or throw DhcpDecodeError, fast.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runDhcpFuzz } from '../../../test/fixtures/dhcp/mutate-dhcp.ts';
import { dhcpFixtureNames, readHexFixture } from '../../../test/fixtures/dhcp/read-hex-fixture.ts';

it('20,000 mutated fixtures decode to a packet or a DhcpDecodeError', () => {
  const fixtures = dhcpFixtureNames().map(readHexFixture);
  const stats = runDhcpFuzz(fixtures, 20_000, 20261123);
  // Both outcomes must be common, or the mutations are not reaching the interesting code.
  assert.ok(stats.decoded > 1000, `decoded ${stats.decoded}`);
  assert.ok(Object.keys(stats.rejected).length >= 8, JSON.stringify(stats.rejected));
  // The run is bounded by its case count; its time is reported, not asserted (benchmarks measure speed).
  console.log(`dhcp fuzz: ${stats.cases} cases in ${stats.ms.toFixed(0)} ms (${stats.cpuMs.toFixed(0)} ms CPU), ${stats.decoded} decoded, rejected ${JSON.stringify(stats.rejected)}`);
});
