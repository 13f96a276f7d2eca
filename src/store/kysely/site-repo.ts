// SiteRepo on kysely: one row (id 1) created by migration 001 with empty attrs and version 0 ("never set").
import { stale } from '../../domain/errors.ts';
import type { Attrs, Site } from '../../domain/inventory/types.ts';
import type { SiteRepo } from '../inventory-store.ts';
import { inTransaction, nowIso, type InventoryDb } from './in-transaction.ts';
import { decodeAttrs, encodeAttrs } from './json-text.ts';
import type { SiteTable } from './schema.ts';

export class KyselySiteRepo implements SiteRepo {
  readonly #db: InventoryDb;

  constructor(db: InventoryDb) {
    this.#db = db;
  }

  async get(): Promise<Site> {
    return toSite(await this.#db.selectFrom('site').selectAll().where('id', '=', 1).executeTakeFirstOrThrow());
  }

  /** Replaces all site attributes; version goes 0 -> 1 on the first set and +1 on each one after. */
  async set(attrs: Attrs, expectedVersion?: number): Promise<Site> {
    const text = encodeAttrs(attrs);
    return inTransaction(this.#db, async (trx) => {
      const row = await trx.updateTable('site')
        .set((eb) => ({ attrs: text, version: eb('version', '+', 1), updated_at: nowIso() }))
        .where('id', '=', 1)
        .$if(expectedVersion !== undefined, (q) => q.where('version', '=', expectedVersion!))
        .returningAll().executeTakeFirst();
      if (row) return toSite(row);
      const current = await trx.selectFrom('site').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
      throw stale('site', expectedVersion ?? -1, Number(current.version));
    });
  }
}

function toSite(r: SiteTable): Site {
  return { attrs: decodeAttrs(r.attrs), version: Number(r.version), updatedAt: r.updated_at };
}
