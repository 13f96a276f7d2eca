// Migration 009: on SQLite the leases table keeps only the indexes its one writer needs. There, the leases live in
// memory (JournaledLeaseStore, one controller per file) with their own indexes; the table is written only by the
// folds of lease_log (SqlLeaseJournal) and read whole at start, so `leases_subnet` and `leases_expiry` were two
// more B-trees rewritten per folded lease and read by nothing: 40 % of the fold's time at 5,500 DORA/s
// (bench/RESULTS.md, session 10). The primary key and the one-lease-per-MAC unique index stay (integrity, and the
// fold's REPLACE of a stale row). PostgreSQL controllers query the shared table (SqlLeaseStore): theirs stay.
import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';

export function leaseTableIndexesMigration(flavor: SqlFlavor): Migration {
  return {
    async up(db: Kysely<any>) {
      if (flavor !== 'sqlite') return;
      await db.schema.dropIndex('leases_subnet').ifExists().execute();
      await db.schema.dropIndex('leases_expiry').ifExists().execute();
    },
    async down(db: Kysely<any>) {
      if (flavor !== 'sqlite') return;
      await db.schema.createIndex('leases_subnet').ifNotExists().on('leases').column('subnet').execute();
      await db.schema.createIndex('leases_expiry').ifNotExists().on('leases').columns(['state', 'expires_at']).execute();
    },
  };
}
