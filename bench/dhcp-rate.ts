// bench/dhcp-rate: DHCPv4 DORA rate, stage0 vs dnsmasq, with the project's perfdhcp-style generator (src/sim/dhcp-rate.ts)
// for as long as perfdhcp itself (kea-admin) cannot be installed here — bench/dhcp-perfdhcp.sh is the same run with it.
// Durable against durable: stage0 with SQLite leases committed before the ACK vs dnsmasq with its lease file; and
// stage0 with the default limit on unknown MACs (all of perfdhcp's MACs are unknown), to show that limit.
// Two namespaces made here (DHCP only on their veth); servers on core 0, the generator on core 1.
// Run: node --import tsx bench/dhcp-rate.ts [--rates 250,500,1000,2000,4000,8000] [--seconds 10] [--clients 10000]
//   [--servers stage0,stage0-default-limits,dnsmasq]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { run } from '../src/lab/exec.ts';
import { deleteNetns } from '../src/lab/netns.ts';
import type { DhcpRateResult } from '../src/sim/dhcp-rate.ts';
import { cores, fmt, load1, requireTool, row, startPinned, timed, waitForListen, type Pinned } from './support/bench-kit.ts';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '250,500,1000,2000,4000,8000' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '10000' },
    servers: { type: 'string', default: 'stage0,stage0-default-limits,dnsmasq' },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const RATES = values.rates.split(',').map(Number);
const SECONDS = Math.min(Number(values.seconds), 60);
const CLIENTS = Math.min(Number(values.clients), 60_000);
const { server: SCORE, client: CCORE } = cores();
for (const t of ['dnsmasq', 'taskset', 'ss']) await requireTool(t);

const REPO = join(import.meta.dirname, '..');
const TSX = join(REPO, 'node_modules/tsx/dist/esm/index.mjs');
const tag = `${process.pid}`;
const SRV = `s0b-dr-s-${tag}`;
const CLI = `s0b-dr-c-${tag}`;
const dir = mkdtempSync(join(tmpdir(), 's0b-dhcp-rate-'));

async function topology(): Promise<void> {
  for (const ns of [SRV, CLI]) {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  await run('ip', ['-n', SRV, 'link', 'add', 'sv0', 'type', 'veth', 'peer', 'name', 'cv0', 'netns', CLI]);
  await run('ip', ['-n', SRV, 'addr', 'add', '10.96.0.1/24', 'dev', 'sv0']);
  await run('ip', ['-n', SRV, 'link', 'set', 'sv0', 'up']);
  await run('ip', ['-n', CLI, 'addr', 'add', '10.96.0.2/24', 'dev', 'cv0']);
  await run('ip', ['-n', CLI, 'link', 'set', 'cv0', 'up']);
  // The relay (generator) sits in the clients' subnet 10.95.0.0/16 (giaddr 10.95.0.1), reached through 10.96.0.2.
  await run('ip', ['-n', CLI, 'addr', 'add', '10.95.0.1/16', 'dev', 'cv0']);
  await run('ip', ['-n', SRV, 'route', 'add', '10.95.0.0/16', 'via', '10.96.0.2']);
}

function startStage0(name: string, unknownRate: object | undefined): Pinned {
  const data = join(dir, `${name}-data`);
  mkdirSync(data, { recursive: true });
  const config = {
    dataDir: data,
    api: { listen: '127.0.0.1', port: 8443 },
    log: { level: 'warn' },
    boot: { httpBase: 'http://10.96.0.1:8080' },
    dhcp: {
      mode: 'authoritative',
      interfaces: ['sv0'],
      subnets: [{ cidr: '10.96.0.0/24', pool: [] }, { cidr: '10.95.0.0/16', pool: [{ start: '10.95.1.0', end: '10.95.255.254' }] }],
      ...(unknownRate && { unknownRate }),
      // perfdhcp's clients are all unknown MACs: the default cap on OFFERs held by unknown MACs is a quarter of the pool.
      unknownOffers: { maxPerSubnet: 65_000 },
    },
  };
  writeFileSync(join(dir, `${name}.yaml`), stringify(config));
  // --cpu-prof is refused in NODE_OPTIONS: run the CLI entry directly (what bin/stage0 execs) when profiling.
  const argv = values['cpu-prof']
    ? [process.execPath, '--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`, '--import', TSX, join(REPO, 'src/cli/main.ts')]
    : [join(REPO, 'bin/stage0')];
  return startPinned(SCORE, [...argv, 'serve', '--config', join(dir, `${name}.yaml`)], { netns: SRV, log: join(dir, `${name}.log`) });
}

function startDnsmasq(): Pinned {
  return startPinned(SCORE, ['dnsmasq', '--no-daemon', '--conf-file=/dev/null', '--port=0', '--no-resolv', '--no-hosts', '--user=root',
    `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--interface=sv0', '--bind-interfaces', '--except-interface=lo',
    '--dhcp-range=10.95.1.0,10.95.255.254,255.255.0.0,1h', `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`, '--dhcp-lease-max=100000',
    '--no-ping', '--dhcp-authoritative', '--log-facility=-', '--quiet-dhcp'], { netns: SRV, log: join(dir, 'dnsmasq.log') });
}

async function offer(rate: number): Promise<DhcpRateResult> {
  const opts = { server: '10.96.0.1', relay: '10.95.0.1', rate, durationMs: SECONDS * 1000, clients: CLIENTS };
  const r = await timed(CCORE, [process.execPath, '--import', TSX, join(REPO, 'src/sim/dhcp-rate-main.ts'), JSON.stringify(opts)], CLI, (SECONDS + 30) * 1000);
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"result"'));
  if (!line) throw new Error(`generator failed (exit ${r.code}): ${r.stderr.slice(-1000)}`);
  return (JSON.parse(line) as { result: DhcpRateResult }).result;
}

const best: Record<string, number> = {};
try {
  await topology();
  console.log(`# bench/dhcp-rate ${new Date().toISOString()}: ${CLIENTS} distinct clients, relay mode, ${SECONDS} s per rate, servers on core ${SCORE}, generator on core ${CCORE}`);
  console.log(row(['server', 'offered/s', 'DISCOVER', 'OFFER', 'ACK', 'drops %', 'ACK/s', 'RTT p50 ms', 'RTT p99 ms', 'load']));
  console.log(row(Array.from({ length: 10 }, () => '---')));
  for (const name of values.servers.split(',')) {
    const p = name === 'dnsmasq' ? startDnsmasq()
      : name === 'stage0' ? startStage0(name, { totalBurst: 1_000_000, totalPerSecond: 1_000_000, perMacBurst: 1000, perMacPerSecond: 1000 })
        : startStage0(name, undefined);
    try {
      await waitForListen(SRV, 'udp', 67, 60_000, () => p.child.exitCode === null).catch((err: Error) => {
        throw new Error(`${name}: ${err.message}:\n${readFileSync(join(dir, `${name}.log`), 'utf8').slice(-2000)}`);
      });
      for (const rate of RATES) {
        const before = load1();
        const r = await offer(rate);
        if (r.dropPercent < 1) best[name] = Math.max(best[name] ?? 0, r.acksPerSecond);
        console.log(row([name, rate, r.discovers, r.offers, r.acks, fmt(r.dropPercent, 2), fmt(r.acksPerSecond, 0), fmt(r.rttMs.p50, 2), fmt(r.rttMs.p99, 2), `${fmt(before)}→${fmt(load1())}`]));
        if (r.dropPercent > 20) break; // far past its limit: higher rates say nothing more
      }
    } finally {
      await p.stop();
    }
  }
  console.log(`\nhighest ACK/s with < 1 % drops: ${Object.entries(best).map(([k, v]) => `${k} ${fmt(v, 0)}`).join(', ')}`);
  if (best.stage0 && best.dnsmasq) console.log(`stage0 / dnsmasq: ${fmt(best.stage0 / best.dnsmasq, 2)}×`);
} finally {
  await deleteNetns(CLI).catch(() => undefined);
  await deleteNetns(SRV).catch(() => undefined);
  if (values.keep) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
