// CachedBootDecider with its database facts faked (the boundary), counting every read and every real decision.
// The same cache against a real SQLite database and a second store handle: boot-script-fast-path.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BootState } from '../../domain/provisioning/boot-state.ts';
import type { BootDecider } from './boot-plan.ts';
import { CachedBootDecider } from './cached-boot-decider.ts';

const state = (target: BootState['target'], extra: Partial<BootState> = {}): BootState => ({
  node: 'n1', target, profile: target === 'install' ? 'p' : null, oneshot: false, expiresAt: null, installStatus: null, statusReason: null,
  installDeadline: null, actor: 'test', cause: null, updatedAt: new Date(0).toISOString(), ...extra,
} as BootState);

function world(initial: BootState | undefined, combined = false) {
  const w = {
    generation: 1,
    state: initial,
    reads: { generation: 0, nodeByMac: 0, bootStates: 0, combined: 0 },
    decisions: 0,
    /** When set, bootStates() reads, then waits for this before answering (holds a check in flight with what it read). */
    gate: undefined as Promise<void> | undefined,
  };
  const inner: BootDecider = {
    async decide(mac) {
      w.decisions++;
      return mac === 'aa' ? { node: 'n1', plan: { kind: 'local', reason: `target ${w.state?.target ?? 'none'}` } } : { plan: { kind: 'none', reason: 'unknown' } };
    },
  };
  const cache = new CachedBootDecider(inner, {
    generation: async () => (w.reads.generation++, w.generation),
    nodeByMac: async (mac) => (w.reads.nodeByMac++, mac === 'aa' ? { name: 'n1' } : undefined),
    bootStates: async (names) => {
      w.reads.bootStates++;
      const seen = names.includes('n1') && w.state ? [w.state] : [];
      await w.gate;
      return seen;
    },
    ...(combined && {
      generationAndStates: async (names: readonly string[]) => {
        w.reads.combined++;
        return { generation: w.generation, states: names.includes('n1') && w.state ? [w.state] : [] };
      },
    }),
  });
  return { w, cache };
}

describe('CachedBootDecider', () => {
  test('reuses a decision that writes nothing: no inner decision, one check for many concurrent requests', async () => {
    const { w, cache } = world(state('shell'));
    await cache.decide('aa', 'ipxe');
    assert.equal(w.decisions, 1);
    const before = { ...w.reads };
    const got = await Promise.all(Array.from({ length: 50 }, () => cache.decide('aa', 'ipxe')));
    assert.equal(w.decisions, 1);
    assert.ok(got.every((d) => d.plan.reason === 'target shell'));
    assert.ok(w.reads.generation - before.generation <= 2, `generation reads ${w.reads.generation - before.generation}`);
    assert.ok(w.reads.bootStates - before.bootStates <= 2, `boot state reads ${w.reads.bootStates - before.bootStates}`);
    assert.equal(w.reads.nodeByMac, before.nodeByMac, 'the MAC → node map is kept for the generation');
  });

  test('a changed boot state or generation is seen by the next request', async () => {
    const { w, cache } = world(state('shell'));
    await cache.decide('aa', 'ipxe');
    w.state = state('rescue', { updatedAt: new Date(1).toISOString() });
    assert.equal((await cache.decide('aa', 'ipxe')).plan.reason, 'target rescue');
    assert.equal(w.decisions, 2);
    w.generation = 2;
    await cache.decide('aa', 'ipxe');
    assert.equal(w.decisions, 3);
    assert.equal(w.reads.nodeByMac, 2, 'a new generation looks the MAC up again');
  });

  test('a request never rides on a check that started before it arrived', async () => {
    const { w, cache } = world(state('shell'));
    await cache.decide('aa', 'ipxe');
    let open!: () => void;
    w.gate = new Promise((r) => (open = r));
    const reads = w.reads.bootStates;
    const early = cache.decide('aa', 'ipxe'); // its check is now in flight, having read the old state
    while (w.reads.bootStates === reads) await new Promise((r) => setImmediate(r));
    w.state = state('rescue', { updatedAt: new Date(1).toISOString() });
    const late = cache.decide('aa', 'ipxe');
    w.gate = undefined;
    open();
    assert.equal((await early).plan.reason, 'target shell');
    assert.equal((await late).plan.reason, 'target rescue');
  });

  const never: Array<[string, BootState]> = [
    ['install (a fresh token each time)', state('install')],
    ['stateless (reads profiles and templates)', state('stateless', { profile: 'p' })],
    ['one-shot (the decision consumes it)', state('shell', { oneshot: true })],
    ['expired (the decision writes the fallback)', state('shell', { expiresAt: 1 })],
  ];
  for (const [name, s] of never)
    test(`never reused: ${name}`, async () => {
      const { w, cache } = world(s);
      for (let i = 0; i < 3; i++) await cache.decide('aa', 'ipxe');
      assert.equal(w.decisions, 3);
    });

  test('unknown MACs are reused per generation; a read failure reaches the caller', async () => {
    const { w, cache } = world(undefined);
    for (let i = 0; i < 3; i++) assert.equal((await cache.decide('bb', 'ipxe')).plan.kind, 'none');
    assert.equal(w.decisions, 1);
    const broken = new CachedBootDecider({ decide: async () => assert.fail('must not decide') }, { generation: async () => { throw new Error('db down'); }, nodeByMac: async () => undefined, bootStates: async () => [] });
    await assert.rejects(broken.decide('bb', 'ipxe'), /db down/);
  });
});

describe('CachedBootDecider with generationAndStates (one statement per check)', () => {
  test('a MAC already resolved costs one combined read per check; changes to the state or the generation are still seen', async () => {
    const { w, cache } = world(state('shell'), true);
    await cache.decide('aa', 'ipxe');
    assert.equal(w.reads.nodeByMac, 1);
    const before = { ...w.reads };
    for (let i = 0; i < 5; i++) assert.equal((await cache.decide('aa', 'ipxe')).plan.reason, 'target shell');
    assert.equal(w.decisions, 1, 'reused');
    assert.equal(w.reads.combined - before.combined, 5, 'one combined read per request');
    assert.equal(w.reads.generation, before.generation, 'no separate generation read');
    assert.equal(w.reads.bootStates, before.bootStates, 'no separate state read');

    w.state = state('rescue', { updatedAt: new Date(1).toISOString() });
    assert.equal((await cache.decide('aa', 'ipxe')).plan.reason, 'target rescue', 'a new state is seen at once');
    // A new generation: the MAC -> node answers of the old one are not trusted; the full read resolves the MAC again.
    const resolved = w.reads.nodeByMac;
    w.generation++;
    assert.equal((await cache.decide('aa', 'ipxe')).plan.reason, 'target rescue');
    assert.equal(w.reads.nodeByMac, resolved + 1, 'the MAC is looked up again in the new generation');
    assert.equal(w.decisions, 3, 'decided again after each change, and only then');
  });

  test('an equal state in a new row object is still a hit (compared field by field)', async () => {
    const { w, cache } = world(state('shell'), true);
    await cache.decide('aa', 'ipxe');
    w.state = state('shell'); // same fields, another object, as every read returns
    await cache.decide('aa', 'ipxe');
    assert.equal(w.decisions, 1);
  });
});
