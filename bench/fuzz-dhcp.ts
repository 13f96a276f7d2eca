// Longer DHCP decoder fuzz run than CI's: node --import tsx bench/fuzz-dhcp.ts [cases=1000000] [seed=1]
import { runDhcpFuzz } from '../test/fixtures/dhcp/mutate-dhcp.ts';
import { dhcpFixtureNames, readHexFixture } from '../test/fixtures/dhcp/read-hex-fixture.ts';

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const fixtures = dhcpFixtureNames().map(readHexFixture);
const batch = 100_000;
let done = 0;
let decoded = 0;
const started = performance.now();
for (let b = 0; done < cases; b++) {
  const n = Math.min(batch, cases - done);
  const stats = runDhcpFuzz(fixtures, n, seed * 1_000_003 + b);
  done += n;
  decoded += stats.decoded;
  console.log(`${done} cases, ${decoded} decoded, ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`ok: ${done} mutated packets, every one a packet or a DhcpDecodeError (${((done / (performance.now() - started)) * 1000).toFixed(0)} cases/s)`);
