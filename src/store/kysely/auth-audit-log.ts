// AuditLog on kysely: append and read only (the database's triggers refuse UPDATE and DELETE as well).
import { invalid } from '../../domain/errors.ts';
import type { AuditEntry, AuditLog, AuditQuery, NewAuditEntry } from '../../auth/auth-store.ts';
import type { Selectable } from 'kysely';
import type { AuditTable } from './auth-schema.ts';
import { nowIso, type InventoryDb } from './in-transaction.ts';

export const MAX_AUDIT_LIMIT = 10_000;

export class KyselyAuditLog implements AuditLog {
  constructor(private readonly db: InventoryDb) {}

  async append(e: NewAuditEntry): Promise<AuditEntry> {
    const row = {
      time: e.time ?? nowIso(), user_name: e.user, command: e.command, route: e.route, nodes: JSON.stringify(e.nodes),
      status: e.status, from_addr: e.from, details: JSON.stringify(e.details ?? {}),
    };
    return toEntry(await this.db.insertInto('audit').values(row).returningAll().executeTakeFirstOrThrow());
  }

  async query(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const limit = q.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) throw invalid(`limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}`, 'limit');
    let since: string | undefined;
    if (q.since !== undefined) {
      const t = new Date(q.since);
      if (Number.isNaN(t.getTime())) throw invalid(`not a timestamp: ${q.since}`, 'since');
      since = t.toISOString();
    }
    const rows = await this.db.selectFrom('audit').selectAll()
      .$if(q.user !== undefined, (s) => s.where('user_name', '=', q.user!))
      .$if(q.command !== undefined, (s) => s.where('command', '=', q.command!))
      // nodes is a JSON array of names; a quoted name cannot match part of another name.
      .$if(q.node !== undefined, (s) => s.where('nodes', 'like', `%${JSON.stringify(q.node)}%`))
      .$if(since !== undefined, (s) => s.where('time', '>=', since!))
      .$if(q.afterId !== undefined, (s) => s.where('id', '>', q.afterId!))
      .orderBy('id').limit(limit).execute();
    // LIKE's '_' matches any character: keep only exact node matches.
    return rows.map(toEntry).filter((e) => q.node === undefined || e.nodes.includes(q.node));
  }
}

function toEntry(r: Selectable<AuditTable>): AuditEntry {
  return {
    id: Number(r.id), time: r.time, user: r.user_name, command: r.command, route: r.route, nodes: JSON.parse(r.nodes) as string[],
    status: Number(r.status), from: r.from_addr, details: JSON.parse(r.details) as Record<string, unknown>,
  };
}
