// Reads a node's event timeline from stage0's REST API inside the lab namespace (GET /api/v1/events?nodes=<name>).
import { sleep } from '../../../src/lab/exec.ts';
import type { LabState } from '../../../src/lab/lab-state.ts';
import { nsGetJson } from '../../../src/lab/ns-http.ts';
import { labApiHeaders } from '../../../src/lab/lab.ts';

export interface TimelineEvent {
  id: number;
  time: string;
  node: string | null;
  kind: string;
  details: Record<string, unknown>;
}

/** The node's events, oldest first (sorted by id, whatever order the API returns). */
export async function fetchTimeline(state: LabState, node: string): Promise<TimelineEvent[]> {
  const body = await nsGetJson<{ items: TimelineEvent[] }>(state.netns, `${state.serverUrl}/api/v1/events?nodes=${encodeURIComponent(node)}`, await labApiHeaders(state));
  return [...body.items].sort((a, b) => a.id - b.id);
}

/** Events are written in batches: poll until `kind` shows up (or timeoutMs), then return the whole timeline. */
export async function timelineWith(state: LabState, node: string, kind: string, timeoutMs = 15_000): Promise<TimelineEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await fetchTimeline(state, node);
    if (events.some((e) => e.kind === kind) || Date.now() > deadline) return events;
    await sleep(500);
  }
}

export const showEvent = (e: TimelineEvent): string => `${e.time} ${e.kind} ${JSON.stringify(e.details)}`;
/** Matches an event of this kind whose details (as JSON) contain every given text. */
export const ev = (kind: string, ...texts: string[]) => (e: TimelineEvent): boolean =>
  e.kind === kind && texts.every((t) => JSON.stringify(e.details).includes(t));
