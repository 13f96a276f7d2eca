// Collects events from hot paths and appends them to the log in batches, so a DHCP or TFTP reply never waits on a write.
import type { EventLog } from '../../store/inventory-store.ts';
import type { NewEvent } from '../inventory/types.ts';
import type { EventSink } from './event-sink.ts';

export interface BatchingOptions {
  /** Flush when this many events are waiting. */
  maxBatch?: number;
  /** Flush at most this long after the first waiting event. */
  maxDelayMs?: number;
  /** Called when a write fails; the batch is kept and retried on the next flush. */
  onError?: (err: unknown, pending: number) => void;
  /** After a failed write, retry this long later (default 1000). */
  retryDelayMs?: number;
  /** Above this, the oldest waiting events are dropped (and counted) rather than growing memory without bound. */
  maxPending?: number;
}

export class BatchingEventSink implements EventSink {
  private pending: NewEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;
  written = 0;

  constructor(private readonly log: EventLog, private readonly opts: BatchingOptions = {}) {}

  emit(event: NewEvent): void {
    // Object.assign, not `{ ...event, time }` when the event has no time: ~1 µs on Node 20 against ~0.1 (session 12).
    this.pending.push(Object.assign({}, event, { time: event.time ?? isoNow() }));
    const maxPending = this.opts.maxPending ?? 100_000;
    if (this.pending.length > maxPending) {
      this.dropped += this.pending.length - maxPending;
      this.pending.splice(0, this.pending.length - maxPending);
    }
    if (this.pending.length >= (this.opts.maxBatch ?? 500)) void this.flush();
    else this.timer ??= this.later(this.opts.maxDelayMs ?? 50);
  }

  /** Unref'd: a pending flush never keeps a process alive on its own (close() flushes explicitly). */
  private later(ms: number): NodeJS.Timeout {
    return setTimeout(() => void this.flush(), ms).unref();
  }

  /** Writes everything waiting; resolves when it is in the log. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // Nothing here reads the stored rows back: the log need not return them.
    const write = this.log.record ? this.log.record(batch) : this.log.append(batch);
    this.flushing = write
      .then(() => {
        this.written += batch.length;
      })
      .catch((err: unknown) => {
        this.pending = [...batch, ...this.pending];
        this.opts.onError?.(err, this.pending.length);
        // Nothing may be lost: try again later even if no new event arrives to trigger a flush.
        this.timer ??= this.later(this.opts.retryDelayMs ?? 1000);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }
}

let lastMs = -1;
let lastIso = '';

/** Now as ISO-8601, formatted once per millisecond: the hot paths emit tens of events per millisecond under load. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
