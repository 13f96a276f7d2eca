// Migration 007: failed logins in the database, so that every controller of a cluster counts the same failures (a
// limit kept in each process's memory gave an attacker one full budget per controller behind a load balancer).
import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';
import { textKey } from './text-key.ts';

export function loginFailuresMigration(flavor: SqlFlavor): Migration {
  const key = textKey(flavor);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('login_failures')
        .addColumn('key', key, (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failures_key_at').on('login_failures').columns(['key', 'at']).execute();
      await db.schema.createIndex('login_failures_at').on('login_failures').column('at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('login_failures').execute();
    },
  };
}
