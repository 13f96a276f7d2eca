// Migration 004: per-node boot states (nodeset), profiles (osimages) and install tokens (stored as SHA-256 only).
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';
import { textKey } from './text-key.ts';

/**
 * boot_states and install_tokens belong to a node: removing the node removes them (the event log keeps the history).
 * A renamed node keeps them (on update cascade). Profiles stand alone: a boot state names its profile as text,
 * so removing a profile in use is refused by the service, not by a key (a node may name one via its attributes).
 */
export function provisioningMigration(flavor: SqlFlavor): Migration {
  const key = textKey(flavor);
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('boot_states')
        .addColumn('node', key, (c) => c.primaryKey().references('nodes.name').onDelete('cascade').onUpdate('cascade'))
        .addColumn('target', 'text', (c) => c.notNull().check(sql`target in ('install', 'boot', 'shell', 'discover', 'rescue', 'stateless')`))
        .addColumn('profile', key)
        .addColumn('oneshot', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'bigint')
        .addColumn('install_status', 'text', (c) => c.check(sql`install_status in ('pending', 'installing', 'installed', 'failed')`))
        .addColumn('status_reason', 'text')
        .addColumn('install_deadline', 'bigint')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('cause', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // The sweeper's two questions: which states expired, which installs ran out of time.
      await db.schema.createIndex('boot_states_expiry').on('boot_states').column('expires_at').execute();
      await db.schema.createIndex('boot_states_deadline').on('boot_states').column('install_deadline').execute();
      await db.schema.createTable('profiles')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('kernel', 'text', (c) => c.notNull())
        .addColumn('initrd', 'text')
        .addColumn('cmdline', 'text', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('image', 'text')
        .addColumn('install_timeout', 'integer')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('install_tokens')
        .addColumn('hash', key, (c) => c.primaryKey())
        .addColumn('node', key, (c) => c.notNull().references('nodes.name').onDelete('cascade').onUpdate('cascade'))
        .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('install', 'up')`))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('spent_at', 'bigint')
        .addColumn('spent_reason', 'text')
        .execute();
      await db.schema.createIndex('install_tokens_node').on('install_tokens').columns(['node', 'purpose']).execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['install_tokens', 'profiles', 'boot_states']) await db.schema.dropTable(t).execute();
    },
  };
}
