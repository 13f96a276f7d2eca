// nodeset on 1,000 and 10,000 nodes (one transaction each) and the boot decision's latency with 10,000 nodes.
// Usage: node --import tsx bench/nodeset.ts [--pg] [--decisions 2000]
// In-process over the real store (SQLite file, or a throwaway PostgreSQL 15 with --pg): what /boot.ipxe and the TFTP
// configs call per request (inventory snapshot lookup by MAC + boot-state read, + token mint and write for install).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planBoot } from '../src/boot/http/boot-plan.ts';
import { createProvisioning, provisioningSettings } from '../src/domain/provisioning/provisioning-services.ts';
import { directoryTemplates, SHIPPED_TEMPLATES_DIR } from '../src/domain/provisioning/template-source.ts';
import { InventoryService } from '../src/domain/services/inventory-service.ts';
import { openStores } from '../src/store/open-store.ts';
import { startPostgres } from '../test/support/postgres.ts';
import { load1, pct } from './support/bench-kit.ts';

const args = process.argv.slice(2);
const usePg = args.includes('--pg');
const decisions = Number(args[args.indexOf('--decisions') + 1] || 2000) || 2000;
const N = 10_000;
const mac = (i: number) => `02:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:01`;
const name = (i: number) => `n${String(i).padStart(5, '0')}`;

const dir = await mkdtemp(path.join(tmpdir(), 's0-bench-nodeset-'));
const pg = usePg ? await startPostgres() : undefined;
const opened = await openStores(pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite', path: path.join(dir, 'stage0.db') });
try {
  const inventory = new InventoryService(opened.inventory);
  const p = createProvisioning({ store: opened.provisioning, inventory, templates: directoryTemplates([SHIPPED_TEMPLATES_DIR]), settings: provisioningSettings(undefined, { httpBase: 'http://10.0.0.1:8080' }) }, planBoot);
  const actor = { name: 'bench' };
  await opened.inventory.transaction(async (tx) => {
    for (let i = 1; i <= N; i++) await tx.nodes.create({ name: name(i), macs: [mac(i)], groups: [i <= 1000 ? 'rack1' : 'rest', 'all10k'] });
  });
  await opened.inventory.groups.create({ name: 'all10k', attrs: { osimage: 'img' } });
  await p.profiles.add({ name: 'img', kernel: 'env/vmlinuz', initrd: 'env/initrd.gz', cmdline: 'console=ttyS0 node={{ node.name }}' }, actor);

  const timeIt = async (fn: () => Promise<unknown>) => { const t = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - t) / 1e6; };
  const rows: string[] = [];
  for (const [range, count] of [['rack1', 1000], ['all10k', 10_000]] as const) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) runs.push(await timeIt(() => p.nodeset.nodeset(range, r % 2 ? 'boot' : 'osimage', { actor, cause: 'bench' })));
    rows.push(`nodeset ${count} nodes: ${runs.map((x) => x.toFixed(0)).join(' / ')} ms (3 runs, alternating osimage/boot)`);
  }

  // Half the nodes boot their disk (read-only decision), half install (token minted + one write transaction).
  await p.nodeset.nodeset('all10k', 'boot', { actor });
  await p.nodeset.nodeset(`n[00001-05000]`, 'osimage', { actor });
  await p.decider.decide(mac(1), 'ipxe'); // warm the inventory snapshot
  const lat = { local: [] as number[], install: [] as number[] };
  for (let k = 0; k < decisions; k++) {
    const i = 1 + Math.floor(Math.random() * N);
    let kind = '';
    const ms = await timeIt(async () => { kind = (await p.decider.decide(mac(i), 'ipxe')).plan.kind; });
    (kind === 'local' ? lat.local : lat.install).push(ms);
  }
  const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms (n=${xs.length})`;
  rows.push(`boot decision, 10,000 nodes, state boot (exit to disk): ${f(lat.local)}`);
  rows.push(`boot decision, 10,000 nodes, state install (token minted): ${f(lat.install)}`);
  console.log(`# bench/nodeset — ${usePg ? 'PostgreSQL 15' : 'SQLite file'}, load ${load1()}, ${new Date().toISOString()}`);
  for (const r of rows) console.log(r);
} finally {
  await opened.inventory.close();
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
}
