// bench/boot-storm: N simulated PXE clients (src/sim) booting at once against stage0, then against dnsmasq (DHCP +
// TFTP) + nginx (HTTP) serving the same files, in namespaces this bench creates (DHCP only on their veth).
// Servers pinned to core 0, the simulator to core 1. Prints one row per server and the ratio of total times.
// Run: node --import tsx bench/boot-storm.ts [--clients 100] [--servers stage0,dnsmasq] [--kernel-mib 8]
//   [--initrd-mib 30] [--time-scale 0.25] [--deadline-s 300] [--ramp-ms 0] [--unknown] [--dhcp-only] [--runs 1]
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_STORM_CLIENTS, type StormOptions } from '../src/sim/boot-storm.ts';
import type { StormReport } from '../src/sim/storm-report.ts';
import { coreBusySeconds, cores, fmt, load1, median, processTreeCpu, requireTool, row, timed, udpCounters } from './support/bench-kit.ts';
import { makeStormFiles, startDnsmasqNginx, startStage0Storm, type StartedStorm } from '../src/sim/storm-servers.ts';
import { createStormTopology } from '../src/sim/storm-netns.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    servers: { type: 'string', default: 'stage0,dnsmasq' },
    'kernel-mib': { type: 'string', default: '8' },
    'initrd-mib': { type: 'string', default: '30' },
    'time-scale': { type: 'string', default: '0.25' },
    'deadline-s': { type: 'string', default: '300' },
    'ramp-ms': { type: 'string', default: '0' },
    unknown: { type: 'boolean', default: false },
    'dhcp-only': { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.clients);
if (!(N >= 1 && N <= MAX_STORM_CLIENTS)) throw new Error(`--clients must be 1..${MAX_STORM_CLIENTS}`);
const RUNS = Math.min(Number(values.runs), 10);
const { server: SCORE, client: CCORE } = cores();
for (const t of ['dnsmasq', 'taskset', 'ss']) await requireTool(t);
if (values.servers.includes('dnsmasq')) await requireTool('nginx');

const dir = mkdtempSync(join(tmpdir(), 's0b-storm-'));
const files = makeStormFiles(dir, Number(values['kernel-mib']), Number(values['initrd-mib']));
const tsx = join(import.meta.dirname, '../node_modules/tsx/dist/esm/index.mjs');
const storm: StormOptions = {
  clients: N,
  rampMs: Number(values['ramp-ms']),
  deadlineMs: Number(values['deadline-s']) * 1000,
  timeScale: Number(values['time-scale']),
  tftpTimeoutMs: 1000,
  httpTimeoutMs: 60_000,
  ...(values['dhcp-only'] && { dhcpOnly: true }),
};

async function playOnce(server: string, run: number): Promise<{ report: StormReport; load: [number, number]; busy: { server: number; sim: number; wallS: number; user: number; system: number } }> {
  const topo = await createStormTopology(`${process.pid}`);
  const sdir = mkdtempSync(join(dir, `${server}-${run}-`));
  let started: StartedStorm | undefined;
  try {
    const known = values.unknown ? 0 : N;
    started = server === 'stage0'
      ? await startStage0Storm({ netns: topo.server, dir: sdir, files, known, core: SCORE, cpuProf: values['cpu-prof'] })
      : await startDnsmasqNginx({ netns: topo.server, dir: sdir, files, known, core: SCORE });
    const before = load1();
    const timelines = join(sdir, 'timelines.json');
    const cpu0 = coreBusySeconds();
    const serverCpu = () => started!.processes.map((p) => processTreeCpu(p.child.pid)).reduce((a, b) => ({ user: a.user + b.user, system: a.system + b.system }), { user: 0, system: 0 });
    const own0 = serverCpu();
    const r = await timed(CCORE, [process.execPath, '--import', tsx, join(import.meta.dirname, '../src/sim/storm-main.ts'), JSON.stringify(storm), timelines],
      topo.clients, storm.deadlineMs + 60_000);
    const cpu1 = coreBusySeconds();
    const own1 = serverCpu();
    const busyOn = (core: string) => (cpu1.get(core) ?? NaN) - (cpu0.get(core) ?? NaN);
    // UDP datagrams each namespace's kernel dropped because a socket's receive buffer was full (RcvbufErrors): the
    // server's, and the simulator's (one process plays every client: if it falls behind, replies die on its side).
    const udpOf = async (ns: string) => {
      const udp = await udpCounters(ns);
      return { InDatagrams: udp.InDatagrams, RcvbufErrors: udp.RcvbufErrors, InErrors: udp.InErrors };
    };
    const simLag = r.stderr.split('\n').find((l) => l.startsWith('{"simulatorLoopDelayMs"'));
    console.error(JSON.stringify({ server, serverUdp: await udpOf(topo.server), simulatorUdp: await udpOf(topo.clients), ...(simLag && JSON.parse(simLag)) }));
    const line = r.stdout.split('\n').find((l) => l.startsWith('{"report"'));
    if (!line) throw new Error(`simulator failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    return { report: (JSON.parse(line) as { report: StormReport }).report, load: [before, load1()], busy: { server: busyOn(SCORE), sim: busyOn(CCORE), wallS: r.ms / 1000, user: own1.user - own0.user, system: own1.system - own0.system } };
  } finally {
    await started?.stop();
    await topo.remove();
    if (!values.keep) rmSync(sdir, { recursive: true, force: true });
    else console.error(`kept ${sdir}`);
  }
}

try {
  const servers = values.servers.split(',').map((s) => s.trim());
  const what = values['dhcp-only'] ? 'DHCP DORA only' : `TFTP undionly.kpxe (${readFileSync(join(files.tftpRoot, 'undionly.kpxe')).length} B) + script + kernel ${values['kernel-mib']} MiB + initrd ${values['initrd-mib']} MiB`;
  console.log(`# bench/boot-storm ${new Date().toISOString()}: ${N} ${values.unknown ? 'unknown' : 'known'} clients, ${what}, DHCP timeouts ×${storm.timeScale}, ramp ${storm.rampMs} ms, servers core ${SCORE}, simulator core ${CCORE}`);
  console.log(row(['server', 'run', 'ok', 'failed', 'total s', 'per client p50 s', 'p99 s', 'DORA/s', 'DHCP retries', 'TFTP retries', 'server core busy', 'server processes user / sys s', 'simulator core busy', 'failures', 'load']));
  console.log(row(Array.from({ length: 15 }, () => '---')));
  const totals: Record<string, number[]> = {};
  for (let run = 0; run < RUNS; run++) {
    // Alternate who goes first, so a warm page cache or a neighbour's burst does not always favour the same one.
    const order = run % 2 ? [...servers].reverse() : servers;
    for (const s of order) {
      const { report: rep, load, busy } = await playOnce(s, run);
      // Busy seconds of each core over the simulator's whole run (its start included), and that as a share of it.
      const share = (b: number) => `${fmt(b, 1)} s (${fmt((100 * b) / busy.wallS, 0)} %)`;
      (totals[s] ??= []).push(rep.ok === rep.clients ? rep.totalMs : NaN);
      const dora = rep.perStageMs['dhcp-rom'] ? (rep.ok / (rep.totalMs / 1000)) : NaN;
      console.log(row([s, run + 1, rep.ok, rep.failed, fmt(rep.totalMs / 1000, 2), fmt(rep.perClientMs.p50 / 1000, 2), fmt(rep.perClientMs.p99 / 1000, 2),
        values['dhcp-only'] ? fmt(dora, 0) : '–', rep.retries.dhcp, rep.retries.tftp, share(busy.server), `${fmt(busy.user, 1)} / ${fmt(busy.system, 1)}`, share(busy.sim),
        rep.failures.map((f) => `${f.count}× ${f.stage}: ${f.reason}`).join('; ').slice(0, 200) || '–', `${fmt(load[0])}→${fmt(load[1])}`]));
      console.error(JSON.stringify({ server: s, run, perStageMs: rep.perStageMs, unmatched: rep.unmatchedDhcpReplies, failures: rep.failures }));
    }
  }
  const t0 = median(totals.stage0 ?? []);
  const peer = median(totals.dnsmasq ?? []);
  if (Number.isFinite(t0) && Number.isFinite(peer)) console.log(`\nmedian total: stage0 ${fmt(t0 / 1000, 2)} s, dnsmasq+nginx ${fmt(peer / 1000, 2)} s: stage0 takes ${fmt(t0 / peer, 2)}× the peers' time`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
