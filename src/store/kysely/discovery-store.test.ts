// The DiscoveryStore contract on a real SQLite file and a real PostgreSQL 15 server (migration 005 on both).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DiscoveryStore } from '../../domain/discovery/discovery-store.ts';
import { sampleFacts } from '../../domain/discovery/sample-facts.ts';
import { rejectsDomain } from '../../../test/support/store-contract.ts';
import { startPostgres, type PostgresServer } from '../../../test/support/postgres.ts';
import { openStores } from '../open-store.ts';

function discoveryContract(open: () => Promise<{ store: DiscoveryStore; close(): Promise<void> }>): void {
  it('records a report once per boot MAC; a re-report updates facts, source, last seen and the count', async () => {
    const { store, close } = await open();
    try {
      const a = await store.entries.record(sampleFacts({ mac: '52:54:00:00:00:01' }), '10.0.0.5', '2026-01-01T00:00:00.000Z');
      assert.equal(a.status, 'pending');
      assert.equal(a.reports, 1);
      assert.equal(a.facts.dmi.serial, 'SYS-SN-7');
      const b = await store.entries.record(sampleFacts({ mac: '52:54:00:00:00:01', serial: 'NEW' }), '10.0.0.6', '2026-01-01T00:01:00.000Z');
      assert.deepEqual([b.id, b.reports, b.sourceIp, b.firstSeen, b.lastSeen, b.facts.dmi.serial], [a.id, 2, '10.0.0.6', a.firstSeen, '2026-01-01T00:01:00.000Z', 'NEW']);
      const c = await store.entries.record(sampleFacts({ mac: '52:54:00:00:00:02' }), '10.0.0.7', '2026-01-01T00:02:00.000Z');
      assert.notEqual(c.id, a.id);
      assert.deepEqual((await store.entries.list()).map((e) => e.mac), ['52:54:00:00:00:01', '52:54:00:00:00:02']);
      const d = await store.entries.decide(a.id, { status: 'enrolled', node: 'node001', rule: 'r1', decidedBy: 'rule:r1' });
      assert.deepEqual([d.status, d.node, d.rule, d.decidedBy], ['enrolled', 'node001', 'r1', 'rule:r1']);
      assert.deepEqual((await store.entries.list('pending')).map((e) => e.id), [c.id]);
      assert.equal((await store.entries.get(a.id))?.node, 'node001');
      assert.equal(await store.entries.get(99999), undefined);
      assert.equal((await store.entries.byMac('52:54:00:00:00:02'))?.id, c.id);
      assert.equal(await store.entries.byMac('52:54:00:00:00:03'), undefined);
      assert.equal(await store.entries.count(), 2);
      await rejectsDomain(store.entries.decide(99999, { status: 'rejected', node: null, rule: null, decidedBy: 'x' }), 'not-found');
    } finally {
      await close();
    }
  });

  it('keeps rules by name, ordered by priority then name; duplicates conflict, unknown names are not found', async () => {
    const { store, close } = await open();
    try {
      await store.rules.add({ name: 'b', priority: 10, match: { minMemoryMiB: 256 }, namePattern: 'node{###}', groups: ['compute'] }, 'T');
      await store.rules.add({ name: 'a', priority: 10, match: {}, namePattern: '{serial}', groups: [] }, 'T');
      await store.rules.add({ name: 'c', priority: 1, match: { mac: '52:54:00:00:00:09' }, namePattern: 'x{##}', groups: ['g1', 'g2'] }, 'T');
      const rules = await store.rules.list();
      assert.deepEqual(rules.map((r) => r.name), ['c', 'a', 'b']);
      assert.deepEqual(rules[0], { name: 'c', priority: 1, match: { mac: '52:54:00:00:00:09' }, namePattern: 'x{##}', groups: ['g1', 'g2'], createdAt: 'T' });
      await rejectsDomain(store.rules.add({ name: 'a', priority: 1, match: {}, namePattern: 'n{#}', groups: [] }, 'T'), 'conflict');
      await store.rules.remove('a');
      await rejectsDomain(store.rules.remove('a'), 'not-found');
      assert.deepEqual((await store.rules.list()).map((r) => r.name), ['c', 'b']);
    } finally {
      await close();
    }
  });
}

describe('DiscoveryStore on SQLite', () => {
  let dir = '';
  let seq = 0;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 's0-disc-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });
  discoveryContract(async () => {
    const opened = await openStores({ kind: 'sqlite', path: join(dir, `d-${++seq}.db`) });
    return { store: opened.discovery, close: () => opened.inventory.close() };
  });
});

describe('DiscoveryStore on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  let seq = 0;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });
  discoveryContract(async () => {
    // A fresh database per test: migrations run from scratch each time.
    const pg = await import('pg');
    const admin = new pg.default.Client({ connectionString: server!.url });
    await admin.connect();
    const db = `disc_${process.pid}_${++seq}`;
    await admin.query(`create database ${db}`);
    await admin.end();
    const opened = await openStores({ kind: 'postgres', url: server!.url.replace(/\/postgres$/, `/${db}`) });
    return { store: opened.discovery, close: () => opened.inventory.close() };
  });
});
