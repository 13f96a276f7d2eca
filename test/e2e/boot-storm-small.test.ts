// Privileged e2e: the boot-storm simulator (src/sim) against a real `stage0 serve` in a namespace of its own —
// a handful of clients go through DHCP (ROM), TFTP, DHCP (iPXE), the boot script, kernel and initrd; and a client
// with nobody answering follows the PXE DISCOVER schedule (4/8/16/32 s, scaled, ±1 s each) before it gives up.
// Needs root, iproute2, taskset (util-linux), /usr/lib/ipxe/undionly.kpxe (ipxe).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runInNetns } from '../../src/lab/exec.ts';
import { PXE_DHCP_TIMEOUTS_S } from '../../src/sim/dhcp-client.ts';
import type { StormOptions } from '../../src/sim/boot-storm.ts';
import type { ClientTimeline } from '../../src/sim/pxe-client.ts';
import type { StormReport } from '../../src/sim/storm-report.ts';
import { createStormTopology, stormIp, type StormTopology } from '../../src/sim/storm-netns.ts';
import { makeStormFiles, startStage0Storm, type StartedStorm, type StormFiles } from '../../src/sim/storm-servers.ts';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/tsx/dist/esm/index.mjs');

/** Runs the simulator inside the clients' namespace, as the bench does; returns its report and timelines. */
async function storm(ns: string, dir: string, o: StormOptions): Promise<{ report: StormReport; timelines: ClientTimeline[] }> {
  const file = join(dir, `timelines-${Date.now()}.json`);
  const r = await runInNetns(ns, process.execPath, ['--import', TSX, join(ROOT, 'src/sim/storm-main.ts'), JSON.stringify(o), file], { timeoutMs: o.deadlineMs + 15_000, allowFail: true });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"report"'));
  assert.ok(line, `simulator failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  return { report: (JSON.parse(line) as { report: StormReport }).report, timelines: JSON.parse(readFileSync(file, 'utf8')) as ClientTimeline[] };
}

describe('boot-storm simulator against stage0 in a namespace (root)', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 's0t-storm-'));
  let topo: StormTopology | undefined;
  let server: StartedStorm | undefined;
  let files: StormFiles;

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'this e2e test needs root (network namespaces, DHCP ports)');
    for (const [cmd, pkg] of [['ip', 'iproute2'], ['taskset', 'util-linux'], ['ss', 'iproute2']] as const) {
      try {
        execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      } catch {
        throw new Error(`${cmd} is missing: apt-get install -y ${pkg} (or run scripts/install-test-deps.sh)`);
      }
    }
    assert.ok(existsSync('/usr/lib/ipxe/undionly.kpxe'), 'undionly.kpxe is missing: apt-get install -y ipxe');
    files = makeStormFiles(dir, 1, 2);
    topo = await createStormTopology(`t${process.pid}`);
  });
  after(async () => {
    await server?.stop();
    await topo?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with nobody answering, DISCOVER is resent on the PXE schedule and the client fails at dhcp-rom', async () => {
    const scale = 0.05; // 0.2 + 0.4 + 0.8 + 1.6 s
    const t0 = performance.now();
    const { report, timelines } = await storm(topo!.clients, dir, { clients: 1, deadlineMs: 10_000, timeScale: scale, dhcpOnly: true });
    const elapsed = performance.now() - t0;
    assert.equal(report.failed, 1);
    assert.equal(timelines[0]!.failed?.stage, 'dhcp-rom');
    assert.match(timelines[0]!.failed!.reason, /no OFFER after 4 DISCOVERs/);
    const schedule = PXE_DHCP_TIMEOUTS_S.reduce((a, b) => a + b, 0) * 1000 * scale;
    const jitter = PXE_DHCP_TIMEOUTS_S.length * 1000 * scale; // each wait ±1 s (RFC 2131 §4.1), scaled
    assert.ok(timelines[0]!.end >= schedule - jitter - 20, `gave up after ${timelines[0]!.end} ms, schedule is ${schedule} ± ${jitter} ms`);
    assert.ok(elapsed < schedule + 8000, `took ${elapsed} ms`);
  });

  it('six known clients at once all boot: leases are the reserved addresses and every byte arrives', async () => {
    server = await startStage0Storm({ netns: topo!.server, dir: join(dir, 'stage0'), files, known: 6, core: '0' });
    const { report, timelines } = await storm(topo!.clients, dir, { clients: 6, deadlineMs: 20_000, timeScale: 0.25, tftpTimeoutMs: 1000 });
    assert.equal(report.ok, 6, JSON.stringify(report.failures));
    const nbp = statSync(join(files.tftpRoot, 'undionly.kpxe')).size;
    for (const [i, t] of timelines.entries()) {
      assert.equal(t.ip, stormIp(i), `client ${i} got ${t.ip}`);
      assert.deepEqual(t.stages.map((s) => s.stage), ['dhcp-rom', 'tftp', 'dhcp-ipxe', 'http-script', 'http-kernel', 'http-initrd']);
      const bytes = Object.fromEntries(t.stages.map((s) => [s.stage, s.bytes]));
      assert.deepEqual([bytes.tftp, bytes['http-kernel'], bytes['http-initrd']], [nbp, 1024 * 1024, 2 * 1024 * 1024]);
      for (let k = 1; k < t.stages.length; k++) assert.ok(t.stages[k]!.start >= t.stages[k - 1]!.end, 'stages overlap');
    }
    assert.equal(report.retries.dhcp, 0);
  });

  it('unknown clients get pool addresses and the default boot (not the reserved ones)', async () => {
    const { report, timelines } = await storm(topo!.clients, dir, { clients: 3, first: 100, deadlineMs: 20_000, timeScale: 0.25 });
    assert.equal(report.ok, 3, JSON.stringify(report.failures));
    const reserved = new Set(Array.from({ length: 6 }, (_, i) => stormIp(i)));
    for (const t of timelines) assert.ok(t.ip && !reserved.has(t.ip), `unknown client got ${t.ip}`);
  });
});
