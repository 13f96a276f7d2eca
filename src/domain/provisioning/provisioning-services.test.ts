// The provisioning services over a real SQLite store with a fake clock: token lifetimes, races, the sweeper, atomic nodeset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planBoot } from '../../boot/http/boot-plan.ts';
import { openStores, type OpenedStores } from '../../store/open-store.ts';
import { InventoryService } from '../services/inventory-service.ts';
import { TokenRefused } from './install-callback-service.ts';
import { createProvisioning, provisioningSettings, type ProvisioningServices } from './provisioning-services.ts';
import type { ProvisioningStore } from './provisioning-store.ts';
import { directoryTemplates, SHIPPED_TEMPLATES_DIR } from './template-source.ts';

describe('provisioning services (SQLite, fake clock)', () => {
  let dir: string;
  let o: OpenedStores;
  let inventory: InventoryService;
  let clock = Date.parse('2026-11-23T12:00:00Z');
  const actor = { name: 'alice', from: 'test' };
  const build = (store: ProvisioningStore): ProvisioningServices =>
    createProvisioning({
      store, inventory, now: () => clock, templates: directoryTemplates([SHIPPED_TEMPLATES_DIR]),
      settings: provisioningSettings({ tokenTtlSeconds: 600, installTimeoutSeconds: 3600 }, { httpBase: 'http://10.0.0.1:8080' }),
    }, planBoot);
  let p: ProvisioningServices;
  const mac = (i: number) => `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
  const tokenFor = async (i: number) => {
    const { plan } = await p.decider.decide(mac(i), 'ipxe');
    assert.equal(plan.kind, 'kernel');
    return /stage0\.token=(\S+)/.exec(plan.kind === 'kernel' ? plan.spec.cmdline : '')![1]!;
  };
  const refusal = async (promise: Promise<unknown>) => {
    try { await promise; } catch (e) { if (e instanceof TokenRefused) return e.reason; throw e; }
    return 'accepted';
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-prov-'));
    o = await openStores({ kind: 'sqlite', path: path.join(dir, 'db') });
    inventory = new InventoryService(o.inventory);
    await o.inventory.transaction(async (tx) => { for (let i = 1; i <= 1000; i++) await tx.nodes.create({ name: `n${String(i).padStart(4, '0')}`, macs: [mac(i)], groups: ['all'] }); });
    p = build(o.provisioning);
    await p.profiles.add({ name: 'img', kernel: 'k', cmdline: 'console=ttyS0' }, actor);
  });
  after(async () => {
    await o.inventory.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('two install-done calls racing with one token: exactly one wins, the other is "already used"', async () => {
    await p.nodeset.nodeset('n0001', 'osimage=img', { actor });
    const token = await tokenFor(1);
    const results = await Promise.all([refusal(p.install.done(token, 'a')), refusal(p.install.done(token, 'b'))]);
    assert.deepEqual(results.sort(), ['accepted', 'already used']);
    assert.equal((await p.nodeset.get('n0001')).state?.installStatus, 'installed');
  });

  test('tokens expire on the clock (600 s here), and an expired token is refused even before the sweeper runs', async () => {
    await p.nodeset.nodeset('n0002', 'osimage=img', { actor });
    const token = await tokenFor(2);
    clock += 599_000;
    assert.equal(await refusal(p.install.started(token, 'x')), 'accepted');
    clock += 1_000;
    assert.equal(await refusal(p.install.started(token, 'x')), 'expired');
  });

  test('the sweeper: an install past its deadline fails with "timeout" and its token dies; an expired state becomes boot', async () => {
    await p.nodeset.nodeset('n0003', 'osimage=img', { actor });
    await p.nodeset.nodeset('n0004', 'rescue', { actor, expiresInMs: 60_000 });
    const token = await tokenFor(3);
    clock += 59_000;
    assert.deepEqual(await p.install.sweep(), { expired: [], timedOut: [] });
    clock += 1_000;
    assert.deepEqual(await p.install.sweep(), { expired: ['n0004'], timedOut: [] });
    clock += 3600_000;
    const swept = await p.install.sweep();
    assert.ok(swept.timedOut.includes('n0003'), JSON.stringify(swept)); // n0002 of the test above times out too
    assert.deepEqual(swept.expired, []);
    const st = (await p.nodeset.get('n0003')).state!;
    assert.deepEqual([st.target, st.installStatus, st.statusReason], ['install', 'failed', 'timeout']);
    assert.equal(await refusal(p.install.config(token, 'x')), 'revoked');
    assert.equal((await p.decider.decide(mac(3), 'ipxe')).plan.kind, 'none');
    assert.equal((await p.nodeset.get('n0004')).state?.target, 'boot');
  });

  test('install timeout and token lifetime: attribute over profile over configuration', async () => {
    await p.profiles.add({ name: 'slow', kernel: 'k', installTimeout: 7200 }, actor);
    await inventory.updateNode('n0005', { attrs: { 'install.timeout': 120 } }, actor);
    await p.nodeset.nodeset('n0005,n0006', 'osimage=slow', { actor });
    await p.nodeset.nodeset('n0007', 'osimage=img', { actor });
    const deadline = async (i: number) => { await tokenFor(i); return (await p.nodeset.get(`n000${i}`)).state!.installDeadline! - clock; };
    assert.deepEqual([await deadline(5), await deadline(6), await deadline(7)], [120_000, 7_200_000, 3_600_000]);
  });

  test('a node rebooting into the installer again and again keeps its first deadline, so it times out instead of looping', async () => {
    await p.nodeset.nodeset('n0008', 'osimage=img', { actor });
    await tokenFor(8);
    const first = (await p.nodeset.get('n0008')).state!.installDeadline;
    clock += 1800_000;
    await tokenFor(8);
    assert.equal((await p.nodeset.get('n0008')).state!.installDeadline, first);
    clock += 1800_000;
    assert.ok((await p.install.sweep()).timedOut.includes('n0008'));
    assert.equal((await p.decider.decide(mac(8), 'ipxe')).plan.kind, 'none');
    await p.nodeset.nodeset('n0008', 'osimage=img', { actor });
    await tokenFor(8);
    assert.equal((await p.nodeset.get('n0008')).state!.installDeadline, clock + 3600_000);
  });

  test('nodeset on 1,000 nodes is one transaction: a failure at its last step leaves every node as it was', async () => {
    const before = await p.nodeset.stat('all');
    // The store's own transaction, with an event log that fails: the states written before it must roll back.
    const failing: ProvisioningStore = {
      ...o.provisioning,
      transaction: (fn) => o.provisioning.transaction((tx) => fn({ ...tx, events: { ...tx.events, append: async () => { throw new Error('event log down'); } } })),
    };
    await assert.rejects(build(failing).nodeset.nodeset('all', 'osimage=img', { actor }), /event log down/);
    assert.deepEqual(await p.nodeset.stat('all'), before);
    const set = await p.nodeset.nodeset('all', 'osimage=img', { actor, cause: 'bulk' });
    assert.equal(set.length, 1000);
    assert.equal((await o.inventory.events.query({ kinds: ['boot-state.set'], limit: 10_000 })).filter((e) => e.details.cause === 'bulk').length, 1000);
  });
});
