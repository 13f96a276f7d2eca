// Measures nodes.all() on 10,000 nodes (2 MACs, 3 groups, 4 attrs each) on SQLite and on a real PostgreSQL 15.
// Run: node --import tsx src/store/bench/all-nodes-bench.ts [count]   (starts and stops its own PostgreSQL server)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { startPostgres } from '../../../test/support/postgres.ts';
import { chunks } from '../kysely/in-transaction.ts';
import { KyselyInventoryStore } from '../kysely/kysely-inventory-store.ts';
import type { InventorySchema } from '../kysely/schema.ts';
import { openPostgresDatabase } from '../postgres/postgres-store.ts';
import { openSqliteDatabase } from '../sqlite/sqlite-store.ts';

const count = Number(process.argv[2] ?? 10_000);
const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');
const mac = (i: number, port: number) => ['02', '00', hex(port), hex(i >> 16), hex(i >> 8), hex(i)].join(':');

/** Bulk rows written straight through kysely (the same rows the node repository writes), so seeding is quick. */
async function seed(db: Kysely<InventorySchema>): Promise<void> {
  const now = new Date().toISOString();
  const nodes = Array.from({ length: count }, (_, i) => {
    const name = `node${String(i).padStart(5, '0')}`;
    const macs = [mac(i, 0), mac(i, 1)];
    const groups = ['all', `rack${Math.floor(i / 40)}`, i % 2 ? 'compute' : 'storage'];
    const attrs = { os: 'rocky9', ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, cores: 64, pxe: true };
    return { name, macs, groups, attrs };
  });
  await db.transaction().execute(async (trx) => {
    for (const part of chunks(nodes, 500)) {
      await trx.insertInto('nodes').values(part.map((n) => ({
        name: n.name, bmc: `${n.name}-bmc`, macs: JSON.stringify(n.macs), groups: JSON.stringify(n.groups),
        attrs: JSON.stringify(n.attrs), version: 1, created_at: now, updated_at: now,
      }))).execute();
      await trx.insertInto('node_macs').values(part.flatMap((n) => n.macs.map((m) => ({ mac: m, node: n.name })))).execute();
      await trx.insertInto('node_groups').values(part.flatMap((n) => n.groups.map((g) => ({ node: n.name, group_name: g })))).execute();
    }
  });
}

async function measure(label: string, db: Kysely<InventorySchema>): Promise<void> {
  await seed(db);
  const store = new KyselyInventoryStore(db);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < 11; run++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const all = await store.nodes.all();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (all.length !== count || all[1]?.macs.length !== 2 || all[1]?.groups.length !== 3) throw new Error('wrong result');
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${label}: all() of ${count} nodes: first ${times[0]!.toFixed(1)} ms, median ${sorted[5]!.toFixed(1)} ms, ` +
    `best ${sorted[0]!.toFixed(1)} ms; this process's CPU per call: median ${[...cpu].sort((a, b) => a - b)[5]!.toFixed(1)} ms ` +
    `(wall time suffers when other work shares the cores; CPU time much less so)`);
  await store.close();
}

const dir = await mkdtemp(join(tmpdir(), 's0-bench-'));
try {
  await measure('sqlite', await openSqliteDatabase(join(dir, 'bench.db')));
} finally {
  await rm(dir, { recursive: true, force: true });
}
const server = await startPostgres();
try {
  await measure('postgresql', await openPostgresDatabase(server.url));
} finally {
  await server.stop();
}
