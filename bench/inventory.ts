// bench/inventory: 10,000 nodes in 100 groups; `nodels all` with full inheritance through the API. Prints p50/p99 and server RSS.
// Run: node --import tsx bench/inventory.ts [--nodes 10000] [--groups 100] [--runs 50] [--store sqlite|postgres]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { STAGE0_BIN } from '../test/support/run-cli.ts';
import { startPostgres } from '../test/support/postgres.ts';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '10000' }, groups: { type: 'string', default: '100' }, runs: { type: 'string', default: '50' }, store: { type: 'string', default: 'sqlite' } } });
const N = Number(values.nodes);
const G = Number(values.groups);
const RUNS = Math.min(Number(values.runs), 1000);

const freePort = () => new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
const rssKb = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]), hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) };
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const dir = await mkdtemp(path.join(tmpdir(), 's0-bench-inv-'));
const pg = values.store === 'postgres' ? await startPostgres() : undefined;
const port = await freePort();
const server = spawn(STAGE0_BIN, ['serve', '--data-dir', dir, '--port', String(port)], {
  env: { ...process.env, ...(pg && { STAGE0_DATABASE_URL: pg.url, STAGE0_CONFIG: '' }) },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const base = `http://127.0.0.1:${port}/api/v1`;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* starting */ }
    if (i > 300) throw new Error('stage0 did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // The API wants a login since the policy table came: the first start's one-time admin password, then a token.
  const password = (await readFile(path.join(dir, 'initial-admin-password'), 'utf8')).trim();
  const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password, tokenName: 'bench' }) });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  const groups = Array.from({ length: G }, (_, g) => ({ name: `g${String(g).padStart(3, '0')}`, attrs: Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`attr${k}`, `g${g}-v${k}`])) }));
  groups[0]!.attrs.ip = '|node(\\d+)|10.($1/65536).(($1/256)%256).($1%256)|';
  const half = Math.floor((G - 1) / 2);
  const nodes = Array.from({ length: N }, (_, i) => ({
    name: `node${String(i).padStart(5, '0')}`,
    macs: [`52:54:${[i >> 24, i >> 16, i >> 8, i].map((b) => (b & 255).toString(16).padStart(2, '0')).join(':')}`],
    // Three distinct groups per node: the shared g000 plus one from each half of the rest.
    groups: ['g000', `g${String(1 + (i % half)).padStart(3, '0')}`, `g${String(1 + half + (i % (G - 1 - half))).padStart(3, '0')}`],
    attrs: { serial: `SN${i}` },
  }));
  const t0 = performance.now();
  const applied = await fetch(`${base}/inventory/apply`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ document: { apiVersion: 'stage0/v1', site: { attrs: { domain: 'bench.example', ntp: '10.0.0.1' } }, groups, nodes } }) });
  if (!applied.ok) throw new Error(`apply failed: ${applied.status} ${await applied.text()}`);
  const loadMs = performance.now() - t0;

  // Full node objects, and the sparse form `nodels` needs (name + effective attributes), each measured alike.
  async function measure(query: string) {
    const times: number[] = [];
    const transfer: number[] = [];
    let bytes = 0;
    for (let r = 0; r < RUNS + 3; r++) {
      const s = performance.now();
      const res = await fetch(`${base}/nodes?range=all&effective=true&limit=${N}${query}`, { headers: auth });
      const text = await res.text();
      const received = performance.now() - s;
      const body = JSON.parse(text) as { items: { effective: Record<string, unknown> }[] };
      if (body.items.length !== N || !body.items[1]!.effective.ip) throw new Error('unexpected nodels result');
      if (r >= 3) {
        // the first runs warm the JIT
        times.push(performance.now() - s);
        transfer.push(received);
      }
      bytes = text.length;
    }
    times.sort((a, b) => a - b);
    transfer.sort((a, b) => a - b);
    return { times, transfer, bytes };
  }
  const full = await measure('');
  const sparse = await measure('&fields=name,effective');
  const mem = await rssKb(server.pid!);
  console.log(`bench/inventory store=${values.store} nodes=${N} groups=${G} runs=${RUNS}`);
  console.log(`  load (one apply of the whole document): ${loadMs.toFixed(0)} ms`);
  for (const [label, m] of [['full node objects', full], ['fields=name,effective', sparse]] as const) {
    console.log(`  nodels all --effective via API, ${label} (${(m.bytes / 1048576).toFixed(1)} MiB JSON): p50 ${pct(m.times, 50).toFixed(1)} ms, p99 ${pct(m.times, 99).toFixed(1)} ms including the client's JSON.parse (goal p50 < 50 ms)`);
    console.log(`    until the last byte arrived: p50 ${pct(m.transfer, 50).toFixed(1)} ms, p99 ${pct(m.transfer, 99).toFixed(1)} ms`);
  }
  console.log(`  server RSS ${(mem.rss / 1024).toFixed(0)} MiB, peak ${(mem.hwm / 1024).toFixed(0)} MiB (goal < 200 MB)`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
}
