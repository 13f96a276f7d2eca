// bench/http: stage0's boot HTTP listener vs nginx (one worker, sendfile on) on 127.0.0.1 in a namespace of its own:
// a 1 GiB image (curl, and wrk with 1 and 50 connections), a 74 KB boot program (wrk) and the ~300-byte iPXE script of a known node (wrk, 1 and
// 50 connections). Runs are interleaved, medians printed with the ratio. Servers on core 0, curl/wrk on core 1.
// Run: node --import tsx bench/http.ts [--runs 3] [--duration-s 5] [--image-mib 1024] [--cpu-prof DIR] [--exclusive]
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simMac } from '../src/sim/boot-storm.ts';
import { nginxArgv } from '../src/sim/nginx-peer.ts';
import { startStage0Storm, STORM_HTTP_PORT } from '../src/sim/storm-servers.ts';
import { benchNetns, cores, fmt, load1, median, MiB, requireTool, row, startPinned, timed, waitForListen } from './support/bench-kit.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'duration-s': { type: 'string', default: '5' },
    'image-mib': { type: 'string', default: '1024' },
    'cpu-prof': { type: 'string' },
    /** stage0 with store.exclusive (SQLite's file lock held while it runs). */
    exclusive: { type: 'boolean', default: false },
    /** Only the cases whose name contains this (e.g. "script"). */
    only: { type: 'string' },
  },
});
const RUNS = Math.min(Number(values.runs), 10);
const DUR = Math.min(Number(values['duration-s']), 60);
const { server: SCORE, client: CCORE } = cores();
for (const t of ['nginx', 'wrk', 'curl', 'taskset']) await requireTool(t);

const dir = mkdtempSync(join(tmpdir(), 's0b-http-'));
const assets = join(dir, 'assets');
const www = join(dir, 'www');
mkdirSync(assets, { recursive: true });
mkdirSync(www, { recursive: true });
// Allocated (not sparse) so both servers send real page-cache pages; the same inode for both.
execFileSync('fallocate', ['-l', `${Number(values['image-mib']) * MiB}`, join(assets, 'big.img')]);
linkSync(join(assets, 'big.img'), join(www, 'big.img'));
// Read once into the page cache before any server sends it: otherwise whichever server goes first pays for filling it
// (a first curl run measured 0.4 GiB/s against 2.3 for the server that came second, 2026-12-08).
execFileSync('dd', [`if=${join(assets, 'big.img')}`, 'of=/dev/null', 'bs=8M', 'status=none']);
// A boot program's size (iPXE's undionly.kpxe is ~74 KB): the per-request cost of the file path (jail, open, stat,
// event) weighs here, where a 1 GiB image measures the kernel's sendfile.
const PROGRAM_BYTES = 74_213;
writeFileSync(join(assets, 'program.efi'), Buffer.alloc(PROGRAM_BYTES, 0x5a));
linkSync(join(assets, 'program.efi'), join(www, 'program.efi'));
const mac = simMac(0);
const NGINX_PORT = 8090;
const ns = await benchNetns('http');
const stage0Base = `http://127.0.0.1:${STORM_HTTP_PORT}`;
const nginxBase = `http://127.0.0.1:${NGINX_PORT}`;

async function wrk(url: string, conns: number): Promise<{ rps: number; bytesPerS: number }> {
  const r = await timed(CCORE, ['wrk', '-t1', `-c${conns}`, `-d${DUR}s`, '--timeout', '10s', url], ns.name, (DUR + 30) * 1000);
  if (r.code !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const m = /Transfer\/sec:\s+([\d.]+)([KMG]?B)/.exec(r.stdout);
  const unit = { B: 1, KB: 1024, MB: MiB, GB: 1024 * MiB }[m?.[2] ?? 'B'] ?? 1;
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(r.stdout);
  if (errors) console.error(`wrk ${url} c${conns}: ${errors[0]}`);
  return { rps, bytesPerS: Number(m?.[1]) * unit };
}

async function curlSpeed(url: string): Promise<number> {
  const r = await timed(CCORE, ['curl', '-sS', '-o', '/dev/null', '-w', '%{speed_download} %{http_code}', url], ns.name, 120_000);
  const [speed, code] = r.stdout.trim().split(' ');
  if (code !== '200') throw new Error(`curl ${url}: HTTP ${code} ${r.stderr}`);
  return Number(speed);
}

const nginx = startPinned(SCORE, nginxArgv(dir, www, `127.0.0.1:${NGINX_PORT}`), { netns: ns.name, log: join(dir, 'nginx.log') });
let stage0: Awaited<ReturnType<typeof startStage0Storm>> | undefined;
try {
  stage0 = await startStage0Storm({ netns: ns.name, dir: join(dir, 'stage0'), files: { assets, tftpRoot: assets }, known: 1, core: SCORE, cpuProf: values['cpu-prof'], httpOnlyOn: '127.0.0.1', exclusive: values.exclusive });
  await waitForListen(ns.name, 'tcp', NGINX_PORT, 15_000, () => nginx.child.exitCode === null);
  // nginx serves the script stage0 renders for this node, as a static file of the same bytes.
  const script = await timed(CCORE, ['curl', '-sS', `${stage0Base}/boot.ipxe?mac=${mac}`], ns.name);
  if (!script.stdout.startsWith('#!ipxe')) throw new Error(`stage0 script: ${script.stdout.slice(0, 300)} ${script.stderr}`);
  writeFileSync(join(www, 'boot.ipxe'), script.stdout);
  const cases: Array<{ name: string; kind: 'curl' | 'wrk'; conns: number; metric: 'bytes' | 'rps'; path: [string, string] }> = [
    { name: '1 GiB image, curl', kind: 'curl', conns: 1, metric: 'bytes', path: ['/boot/assets/big.img', '/big.img'] },
    { name: '1 GiB image, wrk', kind: 'wrk', conns: 1, metric: 'bytes', path: ['/boot/assets/big.img', '/big.img'] },
    { name: '1 GiB image, wrk', kind: 'wrk', conns: 50, metric: 'bytes', path: ['/boot/assets/big.img', '/big.img'] },
    { name: `boot program (${PROGRAM_BYTES} B)`, kind: 'wrk', conns: 1, metric: 'rps', path: ['/boot/assets/program.efi', '/program.efi'] },
    { name: `boot program (${PROGRAM_BYTES} B)`, kind: 'wrk', conns: 50, metric: 'rps', path: ['/boot/assets/program.efi', '/program.efi'] },
    { name: `boot script (${script.stdout.length} B)`, kind: 'wrk', conns: 1, metric: 'rps', path: [`/boot.ipxe?mac=${mac}`, `/boot.ipxe?mac=${mac}`] },
    { name: `boot script (${script.stdout.length} B)`, kind: 'wrk', conns: 50, metric: 'rps', path: [`/boot.ipxe?mac=${mac}`, `/boot.ipxe?mac=${mac}`] },
  ];
  console.log(`# bench/http ${new Date().toISOString()} runs ${RUNS}, wrk -t1 -d${DUR}s, servers on core ${SCORE}, clients on core ${CCORE}`);
  console.log(row(['case', 'conns', 'stage0', 'nginx', 'stage0 / nginx', 'load']));
  console.log(row(['---', '---', '---', '---', '---', '---']));
  for (const c of cases.filter((x) => !values.only || x.name.includes(values.only))) {
    const got: Record<'stage0' | 'nginx', number[]> = { stage0: [], nginx: [] };
    const loads = [load1()];
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 ? (['nginx', 'stage0'] as const) : (['stage0', 'nginx'] as const);
      for (const s of order) {
        const url = (s === 'stage0' ? stage0Base : nginxBase) + c.path[s === 'stage0' ? 0 : 1];
        const v = c.kind === 'curl' ? await curlSpeed(url) : await wrk(url, c.conns);
        got[s].push(typeof v === 'number' ? v : c.metric === 'rps' ? v.rps : v.bytesPerS);
      }
    }
    loads.push(load1());
    const [a, b] = [median(got.stage0), median(got.nginx)];
    const show = (x: number) => (c.metric === 'rps' ? `${fmt(x, 0)} req/s` : `${fmt(x / (1024 * MiB), 2)} GiB/s`);
    console.log(row([c.name + (c.kind === 'curl' ? ' (curl)' : ''), c.conns, show(a), show(b), `${fmt(a / b, 2)}×`, loads.map((l) => fmt(l)).join('→')]));
  }
} finally {
  await nginx.stop();
  await stage0?.stop();
  await ns.remove();
  rmSync(dir, { recursive: true, force: true });
}
