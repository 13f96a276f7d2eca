// Where services report what happened to a node. The wiring batches these into the store's event log.
import type { NewEvent } from '../inventory/types.ts';

/** Fire-and-forget: a hot path (DHCP, TFTP, HTTP) must never wait on the event log. */
export interface EventSink {
  emit(event: NewEvent): void;
}

/** Keeps events in memory; for tests and for callers that have no log. */
export class MemoryEventSink implements EventSink {
  readonly events: NewEvent[] = [];
  emit(event: NewEvent): void {
    this.events.push({ ...event, time: event.time ?? new Date().toISOString() });
  }
}
