// Measures nodes.all() on 10,000 nodes (2 MACs, 3 groups, a few attrs each) on SQLite and PostgreSQL.
// Run: node --import tsx src/store/bench/all-nodes-bench.ts [count]   (starts its own PostgreSQL 15 server)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../../test/support/postgres.ts';
import type { InventoryStore } from '../inventory-store.ts';
import { openStore } from '../open-store.ts';

const count = Number(process.argv[2] ?? 10_000);

function mac(i: number, port: number): string {
  return ['02', '00', (port).toString(16).padStart(2, '0'), ((i >> 16) & 255).toString(16).padStart(2, '0'),
    ((i >> 8) & 255).toString(16).padStart(2, '0'), (i & 255).toString(16).padStart(2, '0')].join(':');
}

async function seed(store: InventoryStore): Promise<number> {
  const t0 = performance.now();
  for (let start = 0; start < count; start += 1000) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        await tx.nodes.create({
          name: `node${String(i).padStart(5, '0')}`, macs: [mac(i, 0), mac(i, 1)], bmc: `bmc${i}`,
          groups: ['all', `rack${Math.floor(i / 40)}`, i % 2 ? 'compute' : 'storage'],
          attrs: { 'os': 'rocky9', 'ip': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'cores': 64, 'pxe': true },
        });
      }
    });
  }
  return performance.now() - t0;
}

async function measure(label: string, store: InventoryStore): Promise<void> {
  const seedMs = await seed(store);
  const times: number[] = [];
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    const all = await store.nodes.all();
    times.push(performance.now() - t0);
    if (all.length !== count || all[1]?.macs.length !== 2 || all[1]?.groups.length !== 3) throw new Error('wrong result');
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${label}: seeded ${count} nodes in ${seedMs.toFixed(0)} ms; all(): first ${times[0]!.toFixed(1)} ms, ` +
    `median ${sorted[3]!.toFixed(1)} ms, best ${sorted[0]!.toFixed(1)} ms`);
}

const dir = await mkdtemp(join(tmpdir(), 's0-bench-'));
try {
  const sqlite = await openStore({ kind: 'sqlite', path: join(dir, 'bench.db') });
  try { await measure('sqlite', sqlite); } finally { await sqlite.close(); }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const server = await startPostgres();
try {
  const store = await openStore({ kind: 'postgres', url: server.url });
  try { await measure('postgresql', store); } finally { await store.close(); }
} finally {
  await server.stop();
}
