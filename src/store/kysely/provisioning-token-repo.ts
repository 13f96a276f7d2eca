// InstallTokenRepo on kysely: token hashes only; spending is one conditional UPDATE so exactly one caller wins.
import type { Selectable } from 'kysely';
import type { InstallToken, InstallTokenRepo, TokenPurpose } from '../../domain/provisioning/provisioning-store.ts';
import { chunks, type InventoryDb } from './in-transaction.ts';
import type { InstallTokensTable } from './provisioning-schema.ts';

export class KyselyInstallTokenRepo implements InstallTokenRepo {
  readonly #db: InventoryDb;

  constructor(db: InventoryDb) {
    this.#db = db;
  }

  async insert(t: InstallToken): Promise<void> {
    await this.#db.insertInto('install_tokens').values({
      hash: t.hash, node: t.node, purpose: t.purpose, created_at: t.createdAt, expires_at: t.expiresAt,
      spent_at: t.spentAt, spent_reason: t.spentReason,
    }).execute();
  }

  async byHash(hash: string): Promise<InstallToken | undefined> {
    const row = await this.#db.selectFrom('install_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toToken(row);
  }

  async revoke(nodes: readonly string[], purpose: TokenPurpose | undefined, now: number, reason: string): Promise<number> {
    let n = 0;
    for (const part of chunks(nodes, 1000)) {
      const res = await this.#db.updateTable('install_tokens').set({ spent_at: now, spent_reason: reason })
        .where('node', 'in', part).where('spent_at', 'is', null)
        .$if(purpose !== undefined, (q) => q.where('purpose', '=', purpose!))
        .executeTakeFirst();
      n += Number(res.numUpdatedRows);
    }
    return n;
  }

  async spend(hash: string, now: number, reason: string): Promise<boolean> {
    const res = await this.#db.updateTable('install_tokens').set({ spent_at: now, spent_reason: reason })
      .where('hash', '=', hash).where('spent_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}

function toToken(r: Selectable<InstallTokensTable>): InstallToken {
  return {
    hash: r.hash, node: r.node, purpose: r.purpose as TokenPurpose, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at),
    spentAt: r.spent_at === null ? null : Number(r.spent_at), spentReason: r.spent_reason,
  };
}
