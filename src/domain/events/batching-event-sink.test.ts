import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchingEventSink } from './batching-event-sink.ts';
import type { EventLog } from '../../store/inventory-store.ts';
import type { NewEvent, StoredEvent } from '../inventory/types.ts';

/** An event log that fails its first `failures` appends, like a database that is briefly unavailable. */
function flakyLog(failures: number) {
  const stored: NewEvent[] = [];
  let calls = 0;
  const log: EventLog = {
    async append(events) {
      calls++;
      if (calls <= failures) throw new Error('database is locked');
      stored.push(...events);
      return [] as StoredEvent[];
    },
    async query() {
      return [];
    },
  };
  return { log, stored, calls: () => calls };
}

const ev = (i: number): NewEvent => ({ actor: 't', node: `n${i}`, kind: 'k', details: { i } });

test('events are batched and written in order', async () => {
  const { log, stored } = flakyLog(0);
  const sink = new BatchingEventSink(log, { maxDelayMs: 5 });
  for (let i = 0; i < 5; i++) sink.emit(ev(i));
  await sink.flush();
  assert.deepEqual(stored.map((e) => e.details.i), [0, 1, 2, 3, 4]);
  assert.ok(stored.every((e) => typeof e.time === 'string'));
});

test('a failed write loses nothing and is retried without a new event arriving', async () => {
  const { log, stored, calls } = flakyLog(2);
  const errors: number[] = [];
  const sink = new BatchingEventSink(log, { maxDelayMs: 5, retryDelayMs: 20, onError: (_e, pending) => errors.push(pending) });
  sink.emit(ev(1));
  sink.emit(ev(2));
  for (let i = 0; i < 100 && stored.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(stored.map((e) => e.details.i), [1, 2]);
  assert.equal(calls(), 3);
  assert.deepEqual(errors, [2, 2]);
  assert.equal(sink.written, 2);
});

test('beyond maxPending the oldest events are dropped and counted, memory stays bounded', async () => {
  const { log } = flakyLog(1_000_000);
  const sink = new BatchingEventSink(log, { maxDelayMs: 1_000_000, maxBatch: 1_000_000, maxPending: 10, retryDelayMs: 1_000_000 });
  for (let i = 0; i < 25; i++) sink.emit(ev(i));
  assert.equal(sink.dropped, 15);
  await sink.flush();
});
