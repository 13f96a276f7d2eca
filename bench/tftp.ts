// bench/tftp: one file (30 MiB) over TFTP from stage0, tftpd-hpa, dnsmasq and atftpd (the RFC 7440 windowsize peer),
// the same atftp client for all,
// blksize × windowsize × concurrent clients; runs interleaved per cell, median of --runs, ratio to the best peer.
// Everything runs on 127.0.0.1 inside a namespace of its own (dnsmasq's TFTP port is always 69); servers are pinned
// to core 0, the atftp clients to core 1. Run: node --import tsx bench/tftp.ts [--runs 3] [--clients 1,20]
//   [--blksize 512,1468] [--windowsize 1,8,16] [--size-mib 30] [--servers stage0,tftpd-hpa,dnsmasq,atftpd] [--cpu-prof DIR]
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchNetns, cores, fmt, load1, median, MiB, requireTool, row, startPinned, timed, waitForListen, type Pinned } from './support/bench-kit.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    clients: { type: 'string', default: '1,20' },
    blksize: { type: 'string', default: '512,1468' },
    windowsize: { type: 'string', default: '1,8,16' },
    'size-mib': { type: 'string', default: '30' },
    servers: { type: 'string', default: 'stage0,tftpd-hpa,dnsmasq,atftpd' },
    'cpu-prof': { type: 'string' },
    'timeout-s': { type: 'string', default: '180' },
  },
});
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const RUNS = Math.min(Number(values.runs), 20);
const SIZE = Number(values['size-mib']) * MiB;
const SERVERS = list(values.servers);
const PORTS: Record<string, number> = { stage0: 7069, 'tftpd-hpa': 6969, dnsmasq: 69, atftpd: 6970 };
/** atftpd conflicts with tftpd-hpa as a Debian package: bench/install-peers.sh unpacks it here (dpkg -x). */
const ATFTPD = '/opt/stage0-bench/atftpd/usr/sbin/atftpd';
const { server: SCORE, client: CCORE } = cores();

await requireTool('atftp');
if (SERVERS.includes('tftpd-hpa')) await requireTool('in.tftpd');
if (SERVERS.includes('dnsmasq')) await requireTool('dnsmasq');
if (SERVERS.includes('atftpd') && !existsSync(ATFTPD)) throw new Error(`${ATFTPD} is missing: bash bench/install-peers.sh`);
await requireTool('taskset');

const dir = mkdtempSync(join(tmpdir(), 's0b-tftp-'));
chmodSync(dir, 0o755); // tftpd-hpa drops to user tftp
const root = join(dir, 'root');
mkdirSync(root, { mode: 0o755 });
writeFileSync(join(root, 'big.bin'), randomBytes(SIZE), { mode: 0o644 });
const ns = await benchNetns('tftp');
const servers: Pinned[] = [];
const tsx = join(import.meta.dirname, '../node_modules/tsx/dist/esm/index.mjs');

function serverArgv(name: string): string[] {
  if (name === 'stage0') {
    const prof = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
    return [process.execPath, ...prof, '--import', tsx, join(import.meta.dirname, 'support/stage0-tftp-server.ts'), root, '127.0.0.1', String(PORTS.stage0)];
  }
  if (name === 'tftpd-hpa') return ['in.tftpd', '-L', '-s', root, '-a', `127.0.0.1:${PORTS['tftpd-hpa']}`];
  if (name === 'dnsmasq') {
    return ['dnsmasq', '--no-daemon', '--conf-file=/dev/null', '--port=0', '--no-resolv', '--no-hosts', '--enable-tftp', `--tftp-root=${root}`,
      '--listen-address=127.0.0.1', '--bind-interfaces', '--user=root', `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--tftp-max=1000', '--log-facility=-'];
  }
  if (name === 'atftpd') {
    // --no-fork: a thread per transfer (its default), as packaged; RFC 7440 windowsize is supported since 0.7.4.
    return [ATFTPD, '--daemon', '--no-fork', '--logfile', '-', '--verbose=3', '--user', 'root.root', '--bind-address', '127.0.0.1', '--port', String(PORTS.atftpd), '--maxthread', '1000', root];
  }
  throw new Error(`unknown server ${name}`);
}

/** `clients` atftp processes at once (one shell pinned to the client core); fails unless every one exits 0. */
async function fetchAll(port: number, clients: number, blksize: number, windowsize: number): Promise<number> {
  const opts = [`--option "blksize ${blksize}"`, ...(windowsize > 1 ? [`--option "windowsize ${windowsize}"`] : [])].join(' ');
  const script = `fail=0; pids=""; for i in $(seq ${clients}); do atftp --get -r big.bin -l /dev/null ${opts} 127.0.0.1 ${port} & pids="$pids $!"; done; for p in $pids; do wait $p || fail=$((fail+1)); done; exit $fail`;
  const r = await timed(CCORE, ['bash', '-c', script], ns.name, Number(values['timeout-s']) * 1000);
  if (r.code !== 0) throw new Error(`${r.code} of ${clients} atftp clients failed (port ${port}, blksize ${blksize}, window ${windowsize}): ${r.stderr.slice(-500)}`);
  return r.ms;
}

try {
  for (const name of SERVERS) {
    const p = startPinned(SCORE, serverArgv(name), { netns: ns.name, log: join(dir, `${name}.log`) });
    servers.push(p);
    await waitForListen(ns.name, 'udp', PORTS[name]!, 15_000, () => p.child.exitCode === null);
  }
  // Sanity: each server delivers the whole file.
  for (const name of SERVERS) {
    const out = join(dir, `check-${name}`);
    const r = await timed(CCORE, ['atftp', '--get', '-r', 'big.bin', '-l', out, '--option', 'blksize 1468', '127.0.0.1', String(PORTS[name])], ns.name);
    if (r.code !== 0 || statSync(out).size !== SIZE) throw new Error(`${name} did not deliver the file: ${r.stderr}`);
    rmSync(out);
  }
  console.log(`# bench/tftp ${new Date().toISOString()} file ${SIZE / MiB} MiB, runs ${RUNS}, servers on core ${SCORE}, atftp on core ${CCORE}`);
  console.log(row(['clients', 'blksize', 'window', ...SERVERS.map((s) => `${s} MiB/s`), 'stage0 / best peer', 'load']));
  console.log(row(['---', '---', '---', ...SERVERS.map(() => '---'), '---', '---']));
  for (const clients of list(values.clients).map(Number)) {
    for (const blksize of list(values.blksize).map(Number)) {
      for (const windowsize of list(values.windowsize).map(Number)) {
        const loads = [load1()];
        const ms: Record<string, number[]> = Object.fromEntries(SERVERS.map((s) => [s, []]));
        for (let r = 0; r < RUNS; r++) {
          // Rotate the order each run so no server always runs right after another's burst.
          const order = SERVERS.map((_, i) => SERVERS[(i + r) % SERVERS.length]!);
          for (const s of order) ms[s]!.push(await fetchAll(PORTS[s]!, clients, blksize, windowsize));
        }
        loads.push(load1());
        const rate = Object.fromEntries(SERVERS.map((s) => [s, (clients * SIZE) / MiB / (median(ms[s]!) / 1000)]));
        const peers = SERVERS.filter((s) => s !== 'stage0').map((s) => rate[s]!);
        const ratio = rate.stage0 !== undefined && peers.length ? rate.stage0 / Math.max(...peers) : NaN;
        console.log(row([clients, blksize, windowsize, ...SERVERS.map((s) => fmt(rate[s]!)), `${fmt(ratio, 2)}×`, loads.map((l) => fmt(l, 1)).join('→')]));
      }
    }
  }
} finally {
  for (const s of servers) await s.stop();
  await ns.remove();
  rmSync(dir, { recursive: true, force: true });
}
