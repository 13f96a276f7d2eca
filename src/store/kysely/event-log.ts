// EventLog on kysely: append-only (no update or delete here), read oldest first with an id cursor.
import { invalid } from '../../domain/errors.ts';
import type { NewEvent, StoredEvent } from '../../domain/inventory/types.ts';
import type { EventLog, EventQuery } from '../inventory-store.ts';
import { chunks, inTransaction, nowIso, type InventoryDb } from './in-transaction.ts';
import { decodeDetails, encodeDetails } from './json-text.ts';
import type { Selectable } from 'kysely';
import { perLength, rowsOf, type CompiledQuery } from './query-template.ts';
import type { EventsTable } from './schema.ts';

/** query() returns at most this many events unless asked for fewer; page on with afterId. */
export const DEFAULT_EVENT_LIMIT = 1000;
export const MAX_EVENT_LIMIT = 10_000;

/** Rows per insert: 200 rows x 5 parameters stays far below SQLite's and pg's parameter limits. */
const CHUNK = 200;
const COLUMNS = ['time', 'actor', 'node', 'kind', 'details'] as const;

export class KyselyEventLog implements EventLog {
  readonly #db: InventoryDb;
  /** record()'s insert, compiled once per row count: building 200 rows' operation tree cost more than the insert. */
  readonly #insert: (values: ReadonlyArray<string | null>) => CompiledQuery;

  constructor(db: InventoryDb) {
    this.#db = db;
    this.#insert = perLength((v) => db.insertInto('events').values(rowsOf(COLUMNS, v) as EventRow[]));
  }

  /** Appends in order, in one transaction; ids increase in the given order. */
  async append(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const rows = eventRows(events);
    return inTransaction(this.#db, async (trx) => {
      const out: StoredEvent[] = [];
      for (const part of chunks(rows, CHUNK)) {
        const stored = await trx.insertInto('events').values(part).returningAll().execute();
        out.push(...stored.map(toEvent).sort((a, b) => a.id - b.id));
      }
      return out;
    });
  }

  async record(events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = eventRows(events);
    await inTransaction(this.#db, async (trx) => {
      for (const part of chunks(rows, CHUNK)) await trx.executeQuery(this.#insert(part.flatMap((r) => COLUMNS.map((c) => r[c]))));
    });
  }

  async query(q: EventQuery = {}): Promise<StoredEvent[]> {
    const limit = q.limit ?? DEFAULT_EVENT_LIMIT;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_EVENT_LIMIT) {
      throw invalid(`limit must be an integer from 0 to ${MAX_EVENT_LIMIT}`, 'limit');
    }
    if (q.nodes?.length === 0 || q.kinds?.length === 0) return []; // an empty filter matches nothing
    const since = q.since === undefined ? undefined : isoTime(q.since, 'since');
    const rows = await this.#db.selectFrom('events').selectAll()
      .$if(q.nodes !== undefined, (s) => s.where('node', 'in', q.nodes!))
      .$if(q.kinds !== undefined, (s) => s.where('kind', 'in', q.kinds!))
      .$if(q.afterId !== undefined, (s) => s.where('id', '>', q.afterId!))
      .$if(since !== undefined, (s) => s.where('time', '>=', since!))
      .orderBy('id').limit(limit).execute();
    return rows.map(toEvent);
  }
}

type EventRow = ReturnType<typeof eventRows>[number];

/** The rows of `events`, times made canonical (absent: now). */
function eventRows(events: readonly NewEvent[]) {
  const now = nowIso();
  return events.map((e, i) => ({
    time: e.time === undefined ? now : isoTime(e.time, `[${i}].time`),
    actor: e.actor, node: e.node ?? null, kind: e.kind, details: encodeDetails(e.details),
  }));
}

/** The last time checked and its canonical form: a batch from the hot paths holds runs of the same millisecond. */
let lastTime: { value: string; iso: string } | undefined;

/** Times are kept as ISO-8601 UTC with milliseconds so that comparing text compares instants. */
function isoTime(value: string, field: string): string {
  if (lastTime?.value === value) return lastTime.iso;
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw invalid(`not a timestamp: ${value}`, field);
  const iso = t.toISOString();
  lastTime = { value, iso };
  return iso;
}

function toEvent(r: Selectable<EventsTable>): StoredEvent {
  return { id: Number(r.id), time: r.time, actor: r.actor, node: r.node, kind: r.kind, details: decodeDetails(r.details) };
}
