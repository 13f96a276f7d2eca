// PolicyRepo on kysely: the policy table's rows, read by priority.
import { notFound } from '../../domain/errors.ts';
import type { NewPolicyRow, PolicyRepo, PolicyRow } from '../../auth/auth-store.ts';
import type { InventoryDb } from './in-transaction.ts';

export class KyselyPolicyRepo implements PolicyRepo {
  constructor(private readonly db: InventoryDb) {}

  async list(): Promise<PolicyRow[]> {
    const rows = await this.db.selectFrom('policy').selectAll().orderBy('priority').orderBy('id').execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), priority: Number(r.priority), commands: JSON.parse(r.commands) as string[] }));
  }

  async add(row: NewPolicyRow): Promise<PolicyRow> {
    const stored = await this.db.insertInto('policy').values({ ...row, commands: JSON.stringify(row.commands) }).returning('id').executeTakeFirstOrThrow();
    return { ...row, id: Number(stored.id) };
  }

  async remove(id: number): Promise<void> {
    const r = await this.db.deleteFrom('policy').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound(`policy row ${id}`, 'id');
  }
}
