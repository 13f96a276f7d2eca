import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { oncePerTurn, perTurn } from './per-turn.ts';

test('calls in one turn share one read, awaits included; the next turn reads again', async () => {
  let reads = 0;
  const view = perTurn(async () => ++reads);
  assert.equal(await view(), 1);
  assert.equal(await view(), 1, 'after an await of the same turn (microtasks): still the first read');
  await nextTurn();
  assert.equal(await view(), 2, 'a later turn sees a fresh read');
  const [a, b] = await Promise.all([view(), view()]);
  assert.deepEqual([a, b, reads], [2, 2, 2]);
});

test('a failed read is not kept beyond its turn', async () => {
  let fail = true;
  const view = perTurn(async () => {
    if (fail) throw new Error('store down');
    return 'ok';
  });
  await assert.rejects(view(), /store down/);
  fail = false;
  await nextTurn();
  assert.equal(await view(), 'ok');
});

test('oncePerTurn: many calls in a turn run it once, in the next check phase; after it ran, a call schedules it again', async () => {
  let runs = 0;
  const soon = oncePerTurn(() => runs++);
  soon();
  soon();
  soon();
  assert.equal(runs, 0, 'not run synchronously');
  await nextTurn();
  assert.equal(runs, 1);
  soon();
  await nextTurn();
  assert.equal(runs, 2);
  await nextTurn();
  assert.equal(runs, 2, 'nothing asked: nothing run');
});
