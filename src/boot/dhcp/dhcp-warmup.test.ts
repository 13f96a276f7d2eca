// The start-up warm-up: real exchanges through the real service code, bounded by its budget, touching nothing outside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmDhcpPath } from './dhcp-warmup.ts';

test('warmDhcpPath completes DORAs (every DISCOVER offered) within its budget, in batches that yield to the loop', async () => {
  // Counts turns of the loop's check phase: it moves only if the warm-up yields (a 1 ms timer did not fire on a busy CI
  // machine, where the first batch of 100 exchanges alone outlasted the 300 ms budget and the loop yielded once).
  let turns = 0;
  let spinning = true;
  const spin = () => {
    turns++;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    const t0 = performance.now();
    const r = await warmDhcpPath(300);
    const ms = performance.now() - t0;
    assert.ok(r.exchanges >= 100, `only ${r.exchanges} exchanges`);
    assert.ok(ms < 300 + 1000, `took ${ms} ms for a 300 ms budget`);
    assert.ok(turns > 0, 'the event loop turned during the warm-up');
  } finally {
    spinning = false;
  }
});

test('warmDhcpPath: budget 0 does nothing; maxExchanges bounds the work', async () => {
  assert.deepEqual(await warmDhcpPath(0), { exchanges: 0, ms: 0 });
  const r = await warmDhcpPath(60_000, 200);
  assert.equal(r.exchanges, 200);
});
