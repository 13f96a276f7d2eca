// The behaviour suite every ProvisioningStore backend must pass (SQLite and PostgreSQL run it unchanged).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { BootState } from '../../src/domain/provisioning/boot-state.ts';
import type { ProvisioningStore } from '../../src/domain/provisioning/provisioning-store.ts';
import type { InventoryStore } from '../../src/store/inventory-store.ts';
import { rejectsDomain } from './store-contract.ts';

export interface ProvisioningUnderTest {
  inventory: InventoryStore;
  provisioning: ProvisioningStore;
  cleanup(): Promise<void>;
}

const state = (node: string, p: Partial<BootState> = {}): BootState => ({
  node, target: 'install', profile: 'rocky9', oneshot: false, expiresAt: null, installStatus: 'pending', statusReason: null,
  installDeadline: null, actor: 'alice', cause: 'ticket 7', updatedAt: '2026-11-23T10:00:00.000Z', ...p,
});

export function runProvisioningStoreContract(label: string, factory: () => Promise<ProvisioningUnderTest>): void {
  describe(`ProvisioningStore contract: ${label}`, () => {
    let sut: ProvisioningUnderTest | undefined;
    let inv: InventoryStore;
    let s: ProvisioningStore;
    beforeEach(async () => {
      sut = await factory();
      inv = sut.inventory;
      s = sut.provisioning;
      for (const name of ['n1', 'n2', 'n3']) await inv.nodes.create({ name });
    });
    afterEach(async () => {
      await sut?.cleanup();
      sut = undefined;
    });

    it('boot states round-trip every field (booleans, epoch-ms numbers, nulls) and putMany replaces', async () => {
      const a = state('n1', { oneshot: true, expiresAt: 1_800_000_000_123, installDeadline: 1_800_000_000_456, statusReason: 'x' });
      await s.bootStates.putMany([a, state('n2', { target: 'shell', profile: null, installStatus: null, cause: null })]);
      assert.deepEqual(await s.bootStates.get('n1'), a);
      assert.equal(typeof (await s.bootStates.get('n1'))!.expiresAt, 'number');
      const b = state('n1', { target: 'boot', profile: null, installStatus: 'installed', actor: 'install' });
      await s.bootStates.putMany([b]);
      assert.deepEqual(await s.bootStates.get('n1'), b);
      assert.equal(await s.bootStates.get('n3'), undefined);
      assert.deepEqual((await s.bootStates.list(['n2', 'n3'])).map((x) => x.node), ['n2']);
      assert.deepEqual((await s.bootStates.list()).map((x) => x.node), ['n1', 'n2']);
    });

    it('putMany writes 1,200 states at once (chunked below parameter limits)', async () => {
      await inv.transaction(async (tx) => { for (let i = 0; i < 1200; i++) await tx.nodes.create({ name: `b${i}` }); });
      const many = Array.from({ length: 1200 }, (_, i) => state(`b${i}`));
      await s.bootStates.putMany(many);
      assert.equal((await s.bootStates.list(many.map((m) => m.node))).length, 1200);
    });

    it('due(): expired states and installs past their deadline while pending/installing, nothing else', async () => {
      await s.bootStates.putMany([
        state('n1', { expiresAt: 100 }),
        state('n2', { installDeadline: 100, installStatus: 'installing' }),
        state('n3', { installDeadline: 100, installStatus: 'failed' }),
      ]);
      assert.deepEqual((await s.bootStates.due(100)).map((x) => x.node), ['n1', 'n2']);
      assert.deepEqual(await s.bootStates.due(99), []);
    });

    it('a state for an unknown node is refused; removing a node removes its state and tokens', async () => {
      await rejectsDomain(s.bootStates.putMany([state('ghost')]), 'conflict');
      await s.bootStates.putMany([state('n1')]);
      await s.tokens.insert({ hash: 'h1', node: 'n1', purpose: 'install', createdAt: 1, expiresAt: 2, spentAt: null, spentReason: null });
      await inv.nodes.remove('n1');
      assert.equal(await s.bootStates.get('n1'), undefined);
      assert.equal(await s.tokens.byHash('h1'), undefined);
    });

    it('profiles: create, duplicate conflict, update bumps version, stale version refused, remove', async () => {
      const p = await s.profiles.create({ name: 'rocky9', kernel: 'rocky9/vmlinuz', initrd: 'rocky9/initrd.img', cmdline: 'inst.ks={{ callback }}', template: 'kickstart/rhel9.ks', image: null, installTimeout: 3600 });
      assert.deepEqual([p.version, p.initrd, p.image, p.installTimeout, p.cmdline], [1, 'rocky9/initrd.img', null, 3600, 'inst.ks={{ callback }}']);
      await rejectsDomain(s.profiles.create({ name: 'rocky9', kernel: 'k' }), 'conflict', 'name');
      const u = await s.profiles.update('rocky9', { image: 'test-image', initrd: null }, 1);
      assert.deepEqual([u.version, u.image, u.initrd, u.kernel], [2, 'test-image', null, 'rocky9/vmlinuz']);
      await rejectsDomain(s.profiles.update('rocky9', { cmdline: '' }, 1), 'precondition-failed');
      await rejectsDomain(s.profiles.update('nope', { cmdline: '' }), 'not-found');
      assert.deepEqual((await s.profiles.list()).map((x) => x.name), ['rocky9']);
      await s.profiles.remove('rocky9');
      await rejectsDomain(s.profiles.remove('rocky9'), 'not-found');
    });

    it('tokens: spend succeeds exactly once; revoke touches only unspent tokens of the nodes and purpose', async () => {
      const t = (hash: string, node: string, purpose: 'install' | 'up') => ({ hash, node, purpose, createdAt: 10, expiresAt: 20, spentAt: null, spentReason: null });
      await s.tokens.insert(t('a', 'n1', 'install'));
      await s.tokens.insert(t('b', 'n1', 'up'));
      await s.tokens.insert(t('c', 'n2', 'install'));
      assert.equal(await s.tokens.spend('a', 15, 'done'), true);
      assert.equal(await s.tokens.spend('a', 16, 'done'), false);
      assert.deepEqual(await s.tokens.byHash('a'), { ...t('a', 'n1', 'install'), spentAt: 15, spentReason: 'done' });
      assert.equal(await s.tokens.revoke(['n1', 'n2'], 'install', 17, 'nodeset'), 1);
      assert.equal((await s.tokens.byHash('b'))!.spentAt, null);
      assert.equal((await s.tokens.byHash('c'))!.spentReason, 'nodeset');
      assert.equal(await s.tokens.byHash('zz'), undefined);
    });

    it('transaction: states and events commit together or not at all', async () => {
      await assert.rejects(s.transaction(async (tx) => {
        await tx.bootStates.putMany([state('n1')]);
        await tx.events.append([{ actor: 't', node: 'n1', kind: 'boot-state.set', details: {} }]);
        throw new Error('boom');
      }), /boom/);
      assert.equal(await s.bootStates.get('n1'), undefined);
      assert.deepEqual(await inv.events.query({ nodes: ['n1'], kinds: ['boot-state.set'] }), []);
      await s.transaction(async (tx) => {
        await tx.bootStates.putMany([state('n1')]);
        await tx.events.append([{ actor: 't', node: 'n1', kind: 'boot-state.set', details: { a: 1 } }]);
      });
      assert.equal((await s.bootStates.get('n1'))?.target, 'install');
      assert.equal((await inv.events.query({ nodes: ['n1'], kinds: ['boot-state.set'] })).length, 1);
    });
  });
}
