// Migration 002: DHCP leases, one row per address, so that no address can ever be held for two MACs.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';
import { textKey } from './text-key.ts';

/**
 * - ip is the primary key: an address has one row, hence one MAC, whatever the subnet (getByIp takes no subnet).
 * - a partial unique index keeps one non-declined lease per (mac, subnet), so two concurrent requests of one
 *   client for two addresses cannot both win (LeaseStore invariant 2).
 * - expires_at is epoch milliseconds (bigint: beyond 32 bits).
 */
export function leasesMigration(flavor: SqlFlavor): Migration {
  const key = textKey(flavor);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('leases')
        .addColumn('ip', key, (c) => c.primaryKey())
        .addColumn('subnet', key, (c) => c.notNull())
        .addColumn('mac', key, (c) => c.notNull())
        .addColumn('client_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('offered', 'bound', 'released', 'expired', 'declined')`))
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('node', 'text')
        .addColumn('hostname', 'text')
        .execute();
      await db.schema.createIndex('leases_one_per_mac').on('leases').columns(['mac', 'subnet']).unique()
        .where(sql.ref('state'), '<>', 'declined').execute();
      await db.schema.createIndex('leases_subnet').on('leases').column('subnet').execute();
      await db.schema.createIndex('leases_expiry').on('leases').columns(['state', 'expires_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('leases').execute();
    },
  };
}
