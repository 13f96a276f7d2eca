// BmcSlots: never more than `size` holders, FIFO hand-over, aborted waiters leave the queue, release is idempotent.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BmcSlots } from './bmc-slots.ts';

it('hands out at most size slots, then passes them on in order', async () => {
  const slots = new BmcSlots(2);
  const never = new AbortController().signal;
  const a = (await slots.acquire(never))!;
  const b = (await slots.acquire(never))!;
  const order: string[] = [];
  const c = slots.acquire(never).then((r) => (order.push('c'), r!));
  const d = slots.acquire(never).then((r) => (order.push('d'), r!));
  await new Promise((r) => setImmediate(r));
  assert.equal(slots.inUse, 2);
  assert.deepEqual(order, []);
  a();
  a(); // twice: no extra slot
  (await c)();
  b();
  (await d)();
  assert.deepEqual(order, ['c', 'd']);
  assert.equal(slots.inUse, 0);
});

it('a waiter whose signal aborts gets no slot and leaves the queue', async () => {
  const slots = new BmcSlots(1);
  const hold = (await slots.acquire(new AbortController().signal))!;
  const ac = new AbortController();
  const waiting = slots.acquire(ac.signal);
  ac.abort();
  assert.equal(await waiting, undefined);
  assert.equal(await slots.acquire(AbortSignal.abort()), undefined);
  hold();
  assert.equal(slots.inUse, 0);
  assert.throws(() => new BmcSlots(0), /positive integer/);
});
