// LoginFailureLog on kysely: one row per failed login; read by key within the window, pruned as it slides.
import type { LoginFailureLog } from '../../auth/auth-store.ts';
import type { InventoryDb } from './in-transaction.ts';

export class KyselyLoginFailureLog implements LoginFailureLog {
  constructor(private readonly db: InventoryDb) {}

  async recent(key: string, since: number, limit: number): Promise<number[]> {
    const rows = await this.db.selectFrom('login_failures').select('at').where('key', '=', key).where('at', '>=', since)
      .orderBy('at', 'desc').limit(limit).execute();
    return rows.map((r) => Number(r.at));
  }

  async add(key: string, at: number): Promise<void> {
    await this.db.insertInto('login_failures').values({ key, at }).execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('key', '=', key).execute();
  }

  async prune(before: number): Promise<void> {
    await this.db.deleteFrom('login_failures').where('at', '<', before).execute();
  }
}
