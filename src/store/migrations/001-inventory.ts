// Migration 001: nodes (with MAC and group indexes), group attributes, the site row and the event log.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';
import { textKey } from './text-key.ts';

/**
 * The same tables on both backends. Two flavour differences only: PostgreSQL names use the "C" collation (textKey)
 * so that sorting and uniqueness are byte-wise exactly as in SQLite, and the event id is bigserial instead of an
 * AUTOINCREMENT rowid (ids are never reused after a delete in either).
 *
 * A node's ordered MAC and group lists live in its own row (JSON text), so reading all nodes is one scan of one
 * table (10k nodes in tens of ms). node_macs and node_groups repeat them as indexes: node_macs makes a MAC unique
 * across nodes and finds a node by MAC, node_groups finds a group's members. The node repository writes all three
 * in one transaction.
 */
export function inventoryMigration(flavor: SqlFlavor): Migration {
  const key = textKey(flavor);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('nodes')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('bmc', 'text')
        .addColumn('macs', 'text', (c) => c.notNull())
        .addColumn('groups', 'text', (c) => c.notNull())
        .addColumn('attrs', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('node_macs')
        .addColumn('mac', key, (c) => c.primaryKey())
        .addColumn('node', key, (c) => c.notNull().references('nodes.name').onDelete('cascade').onUpdate('cascade'))
        .execute();
      await db.schema.createIndex('node_macs_node').on('node_macs').column('node').execute();
      // No foreign key to groups: membership is implicit, a group row only carries attributes.
      await db.schema.createTable('node_groups')
        .addColumn('node', key, (c) => c.notNull().references('nodes.name').onDelete('cascade').onUpdate('cascade'))
        .addColumn('group_name', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('node_groups_pk', ['node', 'group_name'])
        .execute();
      await db.schema.createIndex('node_groups_group').on('node_groups').columns(['group_name', 'node']).execute();
      await db.schema.createTable('groups')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('attrs', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('site')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('attrs', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Version 0 means "never set"; the first set() makes it 1.
      await db.insertInto('site').values({ id: 1, attrs: '{}', version: 0, updated_at: new Date().toISOString() }).execute();
      await db.schema.createTable('events')
        .$call((t) => flavor === 'postgres'
          ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('node', key) // no foreign key: history outlives the node
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_node_id').on('events').columns(['node', 'id']).execute();
      await db.schema.createIndex('events_kind_id').on('events').columns(['kind', 'id']).execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['events', 'site', 'groups', 'node_groups', 'node_macs', 'nodes']) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
