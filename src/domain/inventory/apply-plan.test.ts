import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { applyChanges } from './apply-changes.ts';
import { planApply } from './apply-plan.ts';
import { exportInventoryDoc } from './export-inventory-doc.ts';
import { type InventoryState, validateInventoryDoc } from './inventory-doc.ts';

const state: InventoryState = {
  site: { attrs: { dns: '10.0.0.2', domain: 'cluster' } },
  groups: [
    { name: 'compute', attrs: { arch: 'x86_64' }, version: 3 },
    { name: 'old', attrs: {}, version: 1 },
  ],
  nodes: [
    { name: 'n2', macs: ['aa:bb:cc:dd:ee:02'], groups: ['compute'], bmc: null, attrs: { ip: '10.0.0.2' }, version: 5 },
    { name: 'n10', macs: ['aa:bb:cc:dd:ee:10'], groups: [], bmc: 'b10', attrs: {}, version: 7 },
  ],
};
const doc = (d: object) => validateInventoryDoc({ apiVersion: 'stage0/v1', ...d });

test('planApply: creates, field-level updates, untouched entities', () => {
  const changes = planApply(
    doc({
      site: { attrs: { dns: '10.0.0.3', domain: 'cluster' } },
      groups: [{ name: 'compute', attrs: { arch: 'aarch64', firmware: 'uefi' } }, { name: 'gpu', attrs: { osimage: 'cuda' } }],
      nodes: [{ name: 'n2', groups: ['compute', 'gpu'], attrs: {} }, { name: 'n3', macs: ['AA:BB:CC:DD:EE:03'] }],
    }),
    state,
  );
  assert.deepEqual(changes, [
    { action: 'update', kind: 'site', name: 'site', attrs: { dns: '10.0.0.3', domain: 'cluster' }, diff: [{ field: 'attrs.dns', before: '10.0.0.2', after: '10.0.0.3' }] },
    {
      action: 'update', kind: 'group', name: 'compute', patch: { attrs: { arch: 'aarch64', firmware: 'uefi' } }, version: 3,
      diff: [{ field: 'attrs.arch', before: 'x86_64', after: 'aarch64' }, { field: 'attrs.firmware', after: 'uefi' }],
    },
    { action: 'create', kind: 'group', name: 'gpu', group: { name: 'gpu', attrs: { osimage: 'cuda' } }, diff: [{ field: 'attrs.osimage', after: 'cuda' }] },
    {
      action: 'update', kind: 'node', name: 'n2', patch: { groups: ['compute', 'gpu'], attrs: {} }, version: 5,
      diff: [{ field: 'groups', before: ['compute'], after: ['compute', 'gpu'] }, { field: 'attrs.ip', before: '10.0.0.2' }],
    },
    { action: 'create', kind: 'node', name: 'n3', node: { name: 'n3', macs: ['aa:bb:cc:dd:ee:03'] }, diff: [{ field: 'macs', before: [], after: ['aa:bb:cc:dd:ee:03'] }] },
  ]);
});

test('planApply: prune deletes what the document lacks, per section present', () => {
  const d = doc({ groups: [{ name: 'compute', attrs: { arch: 'x86_64' } }], nodes: [{ name: 'n2' }] });
  assert.deepEqual(planApply(d, state), []);
  assert.deepEqual(planApply(d, state, { prune: true }), [
    { action: 'delete', kind: 'node', name: 'n10', version: 7 },
    { action: 'delete', kind: 'group', name: 'old', version: 1 },
  ]);
  assert.deepEqual(planApply(doc({ nodes: [] }), state, { prune: true }).map((c) => `${c.action} ${c.name}`), ['delete n2', 'delete n10']);
  assert.deepEqual(planApply(doc({}), state, { prune: true }), []);
});

test('planApply: MACs can move and swap; a MAC kept elsewhere is a conflict', () => {
  const swap = doc({ nodes: [{ name: 'n2', macs: ['aa:bb:cc:dd:ee:10'] }, { name: 'n10', macs: ['aa:bb:cc:dd:ee:02'] }] });
  const changes = planApply(swap, state);
  assert.deepEqual(changes.map((c) => [c.action, c.name, 'reason' in c ? c.reason : '']), [
    ['update', 'n2', 'release MACs that other nodes take'],
    ['update', 'n10', 'release MACs that other nodes take'],
    ['update', 'n2', ''],
    ['update', 'n10', ''],
  ]);
  const after = applyChanges(state, changes);
  assert.deepEqual(after.nodes.find((n) => n.name === 'n2')?.macs, ['aa:bb:cc:dd:ee:10']);
  assert.deepEqual(planApply(swap, after), []);
  assert.throws(
    () => planApply(doc({ nodes: [{ name: 'n3', macs: ['aa:bb:cc:dd:ee:10'] }] }), state),
    (e: unknown) => e instanceof DomainError && e.kind === 'conflict' && e.field === 'nodes[0].macs[0]' && /stays on node 'n10'/.test(e.message),
  );
  // ...unless the holder is pruned.
  const pruned = planApply(doc({ nodes: [{ name: 'n3', macs: ['aa:bb:cc:dd:ee:10'] }] }), state, { prune: true });
  assert.deepEqual(planApply(doc({ nodes: [{ name: 'n3', macs: ['aa:bb:cc:dd:ee:10'] }] }), applyChanges(state, pruned), { prune: true }), []);
});

test('exportInventoryDoc is complete and sorted', () => {
  assert.deepEqual(exportInventoryDoc(state), {
    apiVersion: 'stage0/v1',
    site: { attrs: { dns: '10.0.0.2', domain: 'cluster' } },
    groups: [{ name: 'compute', attrs: { arch: 'x86_64' } }, { name: 'old', attrs: {} }],
    nodes: [
      { name: 'n2', macs: ['aa:bb:cc:dd:ee:02'], groups: ['compute'], bmc: null, attrs: { ip: '10.0.0.2' } },
      { name: 'n10', macs: ['aa:bb:cc:dd:ee:10'], groups: [], bmc: 'b10', attrs: {} },
    ],
  });
});

// Random inventories: names from a small pool so documents and states overlap; MACs unique per state.
const attrs = fc.dictionary(fc.constantFrom('a', 'b', 'rack', 'note'), fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y', true)), { maxKeys: 3 });
const macPool = Array.from({ length: 12 }, (_, i) => `aa:bb:cc:dd:ee:${i.toString(16).padStart(2, '0')}`);
const stateArb: fc.Arbitrary<InventoryState> = fc
  .record({
    site: attrs,
    groups: fc.uniqueArray(fc.record({ name: fc.constantFrom('g1', 'g2', 'g10', 'rack1'), attrs }), { selector: (g) => g.name, maxLength: 4 }),
    nodes: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('n1', 'n2', 'n10', 'n11', 'login'),
        groups: fc.uniqueArray(fc.constantFrom('g1', 'g2', 'g10', 'other'), { maxLength: 3 }),
        bmc: fc.option(fc.constantFrom('b1', 'b2'), { nil: null }),
        attrs,
        nmacs: fc.nat(2),
      }),
      { selector: (n) => n.name, maxLength: 5 },
    ),
    shuffle: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  })
  .map(({ site, groups, nodes, shuffle }) => {
    const macs = [...macPool].sort((a, b) => (shuffle[macPool.indexOf(a)] as number) - (shuffle[macPool.indexOf(b)] as number));
    let next = 0;
    return {
      site: { attrs: site },
      groups,
      nodes: nodes.map(({ nmacs, ...n }) => ({ ...n, macs: macs.slice(next, (next += nmacs)) })),
    };
  });

test('export then plan against the same state is empty (property)', () => {
  fc.assert(fc.property(stateArb, (s) => assert.deepEqual(planApply(validateInventoryDoc(exportInventoryDoc(s)), s, { prune: true }), [])), { numRuns: 300 });
});

test('applying a plan reaches the document: the next plan is empty (property)', () => {
  fc.assert(
    fc.property(stateArb, stateArb, fc.boolean(), fc.boolean(), (s, target, prune, partial) => {
      const full = exportInventoryDoc(target);
      // A partial document leaves sections and fields out: only what it lists is managed.
      const input = partial ? { apiVersion: full.apiVersion, nodes: full.nodes?.map(({ name, groups, macs }) => ({ name, groups, macs })) } : full;
      const d = validateInventoryDoc(input);
      let changes;
      try {
        changes = planApply(d, s, { prune });
      } catch (e) {
        // Only a MAC held by a node the document leaves alone may refuse a plan.
        assert.ok(e instanceof DomainError && e.kind === 'conflict' && !prune, String(e));
        return;
      }
      const after = applyChanges(s, changes);
      assert.deepEqual(planApply(d, after, { prune }), []);
      if (!partial && prune) assert.deepEqual(exportInventoryDoc(after), full);
    }),
    { numRuns: 400 },
  );
});
