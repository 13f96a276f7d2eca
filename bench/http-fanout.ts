// bench/http-fanout: many machines fetching the same initrd at once — the HTTP half of a boot storm. N concurrent
// GETs of one file (fresh connection each, as iPXE does) against stage0's boot listener and nginx (1 worker, sendfile)
// in one namespace; prints per-download p50/p99/max and the wall time. What matters besides speed is fairness: in a
// storm the slowest download decides when the rack is up. Servers on core 0, the client process on core 1.
// Run: node --import tsx bench/http-fanout.ts [--clients 500] [--file-mib 30] [--runs 1]
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nginxArgv } from '../src/sim/nginx-peer.ts';
import { startStage0Storm, STORM_HTTP_PORT } from '../src/sim/storm-servers.ts';
import { benchNetns, cores, fmt, load1, MiB, requireTool, row, startPinned, timed, waitForListen } from './support/bench-kit.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '500' },
    'file-mib': { type: 'string', default: '30' },
    runs: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const N = Math.min(Number(values.clients), 2000);
const RUNS = Math.min(Number(values.runs), 10);
const { server: SCORE, client: CCORE } = cores();
for (const t of ['nginx', 'taskset']) await requireTool(t);

const dir = mkdtempSync(join(tmpdir(), 's0b-fanout-'));
const assets = join(dir, 'assets');
const www = join(dir, 'www');
mkdirSync(assets, { recursive: true });
mkdirSync(www, { recursive: true });
execFileSync('fallocate', ['-l', `${Number(values['file-mib']) * MiB}`, join(assets, 'initrd.img')]);
linkSync(join(assets, 'initrd.img'), join(www, 'initrd.img'));
const NGINX_PORT = 8090;
const ns = await benchNetns('fanout');

// The client: N fetches at once from one process, each reports its duration; prints one JSON line.
const CLIENT = `
const http = require('node:http');
const [url, n] = [process.argv[1], Number(process.argv[2])];
const t0 = performance.now();
const runs = Array.from({ length: n }, () => new Promise((resolve) => {
  const s = performance.now();
  let bytes = 0;
  const req = http.get(url, { agent: false, timeout: 120000 }, (res) => {
    res.on('data', (d) => { bytes += d.length; });
    res.on('end', () => resolve({ ok: res.statusCode === 200, ms: performance.now() - s, bytes }));
    res.on('error', () => resolve({ ok: false, ms: performance.now() - s, bytes }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => resolve({ ok: false, ms: performance.now() - s, bytes }));
}));
Promise.all(runs).then((r) => console.log(JSON.stringify({ wallMs: performance.now() - t0, r })));
`;

interface Result { wallMs: number; r: Array<{ ok: boolean; ms: number; bytes: number }> }

async function fanout(url: string): Promise<Result> {
  const out = await timed(CCORE, [process.execPath, '-e', CLIENT, url, String(N)], ns.name, 300_000);
  if (out.code !== 0) throw new Error(`client failed: ${out.stderr.slice(-1000)}`);
  return JSON.parse(out.stdout) as Result;
}

const nginx = startPinned(SCORE, nginxArgv(dir, www, `127.0.0.1:${NGINX_PORT}`), { netns: ns.name, log: join(dir, 'nginx.log') });
let stage0: Awaited<ReturnType<typeof startStage0Storm>> | undefined;
try {
  stage0 = await startStage0Storm({ netns: ns.name, dir: join(dir, 'stage0'), files: { assets, tftpRoot: assets }, known: 1, core: SCORE, cpuProf: values['cpu-prof'], httpOnlyOn: '127.0.0.1' });
  await waitForListen(ns.name, 'tcp', NGINX_PORT, 15_000, () => nginx.child.exitCode === null);
  console.log(`# bench/http-fanout ${new Date().toISOString()}: ${N} concurrent GETs of a ${values['file-mib']} MiB file, servers on core ${SCORE}, client on core ${CCORE}`);
  console.log(row(['server', 'run', 'ok', 'wall s', 'p50 s', 'p99 s', 'max s', 'max / p50', 'MiB/s', 'load']));
  console.log(row(Array.from({ length: 10 }, () => '---')));
  for (let run = 0; run < RUNS; run++) {
    const order: Array<[string, string]> = [['stage0', `http://127.0.0.1:${STORM_HTTP_PORT}/boot/assets/initrd.img`], ['nginx', `http://127.0.0.1:${NGINX_PORT}/initrd.img`]];
    if (run % 2) order.reverse();
    for (const [name, url] of order) {
      const before = load1();
      const res = await fanout(url);
      const ms = res.r.filter((x) => x.ok).map((x) => x.ms).sort((a, b) => a - b);
      const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN;
      const bytes = res.r.reduce((a, x) => a + x.bytes, 0);
      console.log(row([name, run + 1, `${ms.length}/${N}`, fmt(res.wallMs / 1000, 2), fmt(at(0.5) / 1000, 2), fmt(at(0.99) / 1000, 2), fmt(at(1) / 1000, 2), fmt(at(1) / at(0.5), 2), fmt(bytes / MiB / (res.wallMs / 1000), 0), `${fmt(before)}→${fmt(load1())}`]));
    }
  }
} finally {
  await stage0?.stop();
  nginx.child.kill('SIGTERM');
  await ns.remove();
  rmSync(dir, { recursive: true, force: true });
}
