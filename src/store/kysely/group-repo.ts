// GroupRepo on kysely: a group row holds attributes only; membership lives in node_groups.
import { conflict, notFound, stale } from '../../domain/errors.ts';
import type { Group, GroupPatch, NewGroup, Page } from '../../domain/inventory/types.ts';
import type { GroupRepo, ListOptions } from '../inventory-store.ts';
import { inTransaction, nowIso, type InventoryDb } from './in-transaction.ts';
import { decodeAttrs, encodeAttrs } from './json-text.ts';
import { pageWindow } from './page-window.ts';
import type { GroupsTable } from './schema.ts';

export class KyselyGroupRepo implements GroupRepo {
  readonly #db: InventoryDb;

  constructor(db: InventoryDb) {
    this.#db = db;
  }

  async get(name: string): Promise<Group | undefined> {
    const row = await this.#db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toGroup(row);
  }

  async list(opts: ListOptions = {}): Promise<Page<Group>> {
    const { offset, limit } = pageWindow(opts);
    const { total } = await this.#db.selectFrom('groups').select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
    const rows = await this.#db.selectFrom('groups').selectAll().orderBy('name').limit(limit).offset(offset).execute();
    return { items: rows.map(toGroup), total: Number(total), offset, limit };
  }

  async all(): Promise<Group[]> {
    return (await this.#db.selectFrom('groups').selectAll().orderBy('name').execute()).map(toGroup);
  }

  async create(group: NewGroup): Promise<Group> {
    const attrs = encodeAttrs(group.attrs);
    const now = nowIso();
    return inTransaction(this.#db, async (trx) => {
      const row = await trx.insertInto('groups')
        .values({ name: group.name, attrs, version: 1, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing()).returningAll().executeTakeFirst();
      if (!row) throw conflict(`group ${group.name} already exists`, 'name');
      return toGroup(row);
    });
  }

  async update(name: string, patch: GroupPatch, expectedVersion?: number): Promise<Group> {
    const attrs = patch.attrs === undefined ? undefined : encodeAttrs(patch.attrs);
    return inTransaction(this.#db, async (trx) => {
      const row = await trx.updateTable('groups')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: nowIso(), ...(attrs === undefined ? {} : { attrs }) }))
        .where('name', '=', name)
        .$if(expectedVersion !== undefined, (q) => q.where('version', '=', expectedVersion!))
        .returningAll().executeTakeFirst();
      return row ? toGroup(row) : explainMiss(trx, name, expectedVersion);
    });
  }

  async remove(name: string, expectedVersion?: number): Promise<void> {
    return inTransaction(this.#db, async (trx) => {
      const gone = await trx.deleteFrom('groups').where('name', '=', name)
        .$if(expectedVersion !== undefined, (q) => q.where('version', '=', expectedVersion!))
        .executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) await explainMiss(trx, name, expectedVersion);
    });
  }
}

function toGroup(r: GroupsTable): Group {
  return { name: r.name, attrs: decodeAttrs(r.attrs), version: Number(r.version), createdAt: r.created_at, updatedAt: r.updated_at };
}

async function explainMiss(db: InventoryDb, name: string, expected: number | undefined): Promise<never> {
  const row = await db.selectFrom('groups').select('version').where('name', '=', name).executeTakeFirst();
  if (!row) throw notFound(`group ${name}`, 'name');
  throw stale(`group ${name}`, expected ?? -1, Number(row.version));
}
