// Migration 008: an append-only log of lease changes in front of the leases table. A SQLite controller keeps its
// leases in memory and commits each batch of changes here before the replies go out: appended rows fill the same
// last page, where rewriting the rows in place touched a page of the table and of each index per lease (~60 pages
// and ~200 µs per commit at 4,000 DORA/s, and a checkpoint with two fsyncs every ~25 commits). The log is folded
// into the leases table now and then (SqlLeaseJournal). PostgreSQL controllers write the leases table directly and
// leave this table empty.
import type { Kysely, Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';

export function leaseLogMigration(flavor: SqlFlavor): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('lease_log')
        // Order of the changes: a later row of the same address wins.
        .addColumn('seq', flavor === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('ip', 'text', (c) => c.notNull())
        // The row as the change left it; state null: the address has no row any more.
        .addColumn('subnet', 'text')
        .addColumn('mac', 'text')
        .addColumn('client_id', 'text')
        .addColumn('state', 'text')
        .addColumn('expires_at', 'bigint')
        .addColumn('node', 'text')
        .addColumn('hostname', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('lease_log').execute();
    },
  };
}
