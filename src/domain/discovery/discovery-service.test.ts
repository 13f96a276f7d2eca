// DiscoveryService over a real SQLite store and the real InventoryService: actions, rejected and re-reported machines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStores, type OpenedStores } from '../../store/open-store.ts';
import { InventoryService } from '../services/inventory-service.ts';
import { DiscoveryService } from './discovery-service.ts';
import { sampleReport } from './sample-facts.ts';

let dir = '';
let opened: OpenedStores;
let svc: DiscoveryService;
let inventory: InventoryService;
const installing = new Set<string>();
const admin = { name: 'admin', from: 'cli' };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 's0-discsvc-'));
  opened = await openStores({ kind: 'sqlite', path: join(dir, 'd.db') });
  inventory = new InventoryService(opened.inventory);
  svc = new DiscoveryService({
    store: opened.discovery, inventory, events: opened.inventory.events,
    nodeNames: async () => new Set((await opened.inventory.nodes.all()).map((n) => n.name)),
    pendingInstall: async (node) => installing.has(node),
  });
});
after(async () => {
  await opened.inventory.close();
  await rm(dir, { recursive: true, force: true });
});

test('answers reboot only for an enrolled node with a pending install', async () => {
  const first = await svc.report(sampleReport({ mac: '52:54:00:00:05:01' }), '10.0.0.1');
  assert.deepEqual([first.entry.status, first.action], ['pending', 'poweroff']);
  const approved = await svc.approve(first.entry.id, { name: 'inst01' }, admin);
  assert.equal(approved.node, 'inst01');
  assert.equal((await svc.report(sampleReport({ mac: '52:54:00:00:05:01' }), '10.0.0.1')).action, 'poweroff');
  installing.add('inst01');
  assert.equal((await svc.report(sampleReport({ mac: '52:54:00:00:05:01' }), '10.0.0.1')).action, 'reboot');
});

test('a known node refreshes its hw.* attributes: changed facts replaced, a vanished disk removed, other attributes kept', async () => {
  await inventory.addNodes('known01', { macs: ['52:54:00:00:05:02'], attrs: { rack: 'r1', 'hw.disk.1.size': 1 } }, admin);
  const r = await svc.report(sampleReport({ mac: '52:54:00:00:05:02', memoryMiB: 8192 }), '10.0.0.2');
  assert.deepEqual([r.entry.status, r.entry.node, r.entry.decidedBy], ['enrolled', 'known01', 'inventory']);
  const n = await inventory.getNode('known01');
  assert.deepEqual([n.attrs.rack, n.attrs['hw.memory.mib'], n.attrs['hw.disk.1.size'], n.attrs['hw.disk.0.serial']], ['r1', 8192, undefined, 'DISK-SN-42']);
});

test('a rejected machine stays rejected (no rule applies) until approved; a removed node starts over as pending', async () => {
  const r = await svc.report(sampleReport({ mac: '52:54:00:00:05:03' }), '10.0.0.3');
  await svc.reject(r.entry.id, admin);
  await svc.addRule({ name: 'all', priority: 1, match: {}, namePattern: 'auto{##}', groups: [] }, admin);
  const again = await svc.report(sampleReport({ mac: '52:54:00:00:05:03' }), '10.0.0.3');
  assert.deepEqual([again.entry.status, again.entry.node], ['rejected', null]);
  const ok = await svc.approve(r.entry.id, {}, admin);
  assert.equal(ok.node, 'node001');
  await inventory.removeNode('node001', admin);
  const back = await svc.report(sampleReport({ mac: '52:54:00:00:05:03' }), '10.0.0.3');
  assert.deepEqual([back.entry.status, back.entry.node, back.entry.rule], ['enrolled', 'auto01', 'all'], 'removed node: the rule enrolls it afresh');
  await svc.removeRule('all', admin);
  const kinds = (await opened.inventory.events.query({ kinds: ['discovery.rejected', 'discovery.enrolled', 'discovery.rule-added', 'discovery.rule-removed'] })).map((e) => e.kind);
  assert.deepEqual(kinds.filter((k) => k !== 'discovery.enrolled').slice(-3), ['discovery.rejected', 'discovery.rule-added', 'discovery.rule-removed']);
});

test('pendingInstallFrom: only an install state that has not failed or finished', async () => {
  const { pendingInstallFrom } = await import('./pending-install.ts');
  const states: Record<string, { target: string; installStatus: string | null }> = {
    a: { target: 'install', installStatus: 'pending' }, b: { target: 'install', installStatus: null }, c: { target: 'install', installStatus: 'failed' },
    d: { target: 'boot', installStatus: 'installed' }, e: { target: 'shell', installStatus: null }, f: { target: 'install', installStatus: 'installed' },
  };
  const pending = pendingInstallFrom({ get: async (n) => states[n] });
  const got = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f', 'zz'].map(pending));
  assert.deepEqual(got, [true, true, false, false, false, false, false]);
});

test('a full queue refuses new machines (unavailable) but still takes reports from machines it has', async () => {
  const n = (await opened.discovery.entries.list()).length;
  const full = new DiscoveryService({ store: opened.discovery, inventory, events: opened.inventory.events, nodeNames: async () => new Set(), maxEntries: n });
  await assert.rejects(full.report(sampleReport({ mac: '52:54:00:00:05:99' }), '10.0.0.9'), (e: unknown) => e instanceof Error && 'kind' in e && e.kind === 'unavailable' && /queue is full/.test(e.message));
  assert.equal((await full.report(sampleReport({ mac: '52:54:00:00:05:03' }), '10.0.0.3')).entry.mac, '52:54:00:00:05:03');
  assert.equal(await opened.discovery.entries.count(), n);
});

test('a rule that cannot name the machine leaves it pending and says why on the event log', async () => {
  const svc2 = new DiscoveryService({ store: opened.discovery, inventory, events: opened.inventory.events, nodeNames: async () => new Set() });
  await svc2.addRule({ name: 'by-serial', priority: 1, match: { minCores: 1 }, namePattern: '{serial}', groups: [] }, admin);
  const r = await svc2.report(sampleReport({ mac: '52:54:00:00:05:42', serial: 'To be filled by O.E.M.' }), '10.0.0.4');
  assert.deepEqual([r.entry.status, r.action], ['pending', 'poweroff']);
  const [failed] = await opened.inventory.events.query({ kinds: ['discovery.rule-failed'] });
  assert.match(String(failed?.details.reason), /did not report/);
  await svc2.removeRule('by-serial', admin);
});
