// Migration 005: the discovery queue (one row per reporting machine, keyed by its boot MAC) and enrollment rules.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';
import { textKey } from './text-key.ts';

/**
 * An entry names its node as text, without a foreign key: removing the node must not erase what the machine
 * reported (a later report from the same MAC finds the entry and starts over as pending).
 */
export function discoveryMigration(flavor: SqlFlavor): Migration {
  const key = textKey(flavor);
  return {
    async up(db: Kysely<any>) {
      let entries = db.schema.createTable('discovery_entries');
      entries = flavor === 'postgres'
        ? entries.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
        : entries.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
      await entries
        .addColumn('mac', key, (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'enrolled', 'rejected')`))
        .addColumn('node', key)
        .addColumn('facts', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('reports', 'integer', (c) => c.notNull())
        .addColumn('rule', 'text')
        .addColumn('decided_by', 'text')
        .execute();
      await db.schema.createIndex('discovery_entries_status').on('discovery_entries').column('status').execute();
      await db.schema.createTable('discovery_rules')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('match', 'text', (c) => c.notNull())
        .addColumn('name_pattern', 'text', (c) => c.notNull())
        .addColumn('groups', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['discovery_rules', 'discovery_entries']) await db.schema.dropTable(t).execute();
    },
  };
}
