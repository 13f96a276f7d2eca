// Unreachable BMCs inside a network namespace this test creates: an address whose packets vanish (a static
// neighbour entry pointing at nobody: SYNs and RMCP+ datagrams leave and nothing ever answers), a blackhole route,
// a closed port. Real drivers and orchestrator in a child process inside the namespace; each node gets a clear error
// within the timeout and the run ends: nothing hangs.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const NS = `s0t-bmcbh-${process.pid}`;
const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/power-probe.ts');
const TIMEOUT_MS = 1500;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

before(() => {
  if (process.getuid?.() !== 0) throw new Error('this test creates a network namespace: run it as root (CI runs test/e2e as root)');
  ip('netns', 'add', NS);
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  // a veth pair inside the namespace; the far end has no address, and the BMC's MAC is a static entry nobody owns
  ip('-n', NS, 'link', 'add', 'bmcnet0', 'type', 'veth', 'peer', 'name', 'bmcnet1');
  ip('-n', NS, 'addr', 'add', '10.213.0.1/24', 'dev', 'bmcnet0');
  ip('-n', NS, 'link', 'set', 'bmcnet0', 'up');
  ip('-n', NS, 'link', 'set', 'bmcnet1', 'up');
  ip('-n', NS, 'neigh', 'add', '10.213.0.77', 'lladdr', '02:00:5e:00:00:77', 'dev', 'bmcnet0', 'nud', 'permanent');
  ip('-n', NS, 'route', 'add', 'blackhole', '10.214.0.0/24');
});
after(() => {
  try {
    ip('netns', 'del', NS);
  } catch {
    /* already gone */
  }
});

function probe(nodes: unknown[]): Promise<{ wallMs: number; elapsed: number; results: { node: string; ok: boolean; errorCode?: string; error?: string; ms: number }[] }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', PROBE, JSON.stringify({ nodes, timeoutMs: TIMEOUT_MS, concurrency: 8 })],
      { timeout: 30_000, cwd: path.resolve(path.dirname(PROBE), '../../..') }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`probe failed: ${err.message}\n${stderr}`));
        resolve({ ...JSON.parse(stdout), elapsed: performance.now() - t0 });
      });
  });
}

it('silent address, blackhole route and closed port: per-node errors within the timeout, for Redfish and IPMI', async () => {
  const bmc = (address: string, driver: string, port?: number) => ({ address, driver, username: 'root', password: 'pw', ...(port && { port }), insecure: true });
  const { wallMs, elapsed, results } = await probe([
    { name: 'silent-rf', bmc: bmc('10.213.0.77', 'redfish') },
    { name: 'silent-ipmi', bmc: bmc('10.213.0.77', 'ipmi') },
    { name: 'hole-rf', bmc: bmc('10.214.0.5', 'redfish') },
    { name: 'closed-rf', bmc: bmc('127.0.0.1', 'redfish', 1) },
  ]);
  const by = new Map(results.map((r) => [r.node, r]));
  assert.equal(by.get('silent-rf')!.errorCode, 'timeout');
  assert.match(by.get('silent-rf')!.error!, new RegExp(`redfish: no answer within ${TIMEOUT_MS} ms`));
  assert.equal(by.get('silent-ipmi')!.errorCode, 'timeout', by.get('silent-ipmi')!.error);
  assert.ok(by.get('silent-rf')!.ms >= TIMEOUT_MS - 50 && by.get('silent-rf')!.ms < TIMEOUT_MS + 1000, `silent-rf: ${by.get('silent-rf')!.ms} ms`);
  // IPMI gives up on its own after its retransmissions (3 x 300 ms in the probe), before the orchestrator's timeout
  assert.ok(by.get('silent-ipmi')!.ms < TIMEOUT_MS + 1000, `silent-ipmi: ${by.get('silent-ipmi')!.ms} ms`);
  assert.equal(by.get('hole-rf')!.errorCode, 'unreachable', by.get('hole-rf')!.error);
  assert.ok(by.get('hole-rf')!.ms < 500, 'a blackhole route fails at once');
  assert.equal(by.get('closed-rf')!.errorCode, 'unreachable');
  assert.match(by.get('closed-rf')!.error!, /ECONNREFUSED/);
  assert.ok(wallMs < TIMEOUT_MS + 1000, `the run took ${wallMs} ms`);
  console.log(`# unreachable BMCs in ${NS}: run ${wallMs} ms (child process ${Math.round(elapsed)} ms), timeout ${TIMEOUT_MS} ms`);
});
