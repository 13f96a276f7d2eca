// Migration 006: users, API tokens and web sessions, the policy table with its built-in rows, and the append-only audit.
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';
import { textKey } from './text-key.ts';
import { BUILT_IN_POLICY } from '../../auth/policy.ts';

/**
 * The audit table refuses UPDATE and DELETE in the database itself (triggers), so that not even a bug or a
 * hand-written SQL statement in this application can rewrite history; only an operator with DDL rights can.
 */
export function authMigration(flavor: SqlFlavor): Migration {
  const key = textKey(flavor);
  const serial = <T extends string>(t: CreateTableBuilder<T, never>) =>
    flavor === 'postgres' ? t.addColumn('id', 'bigserial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('users')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('groups', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('auth_credentials')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('token', 'session')`))
        .addColumn('user_name', key, (c) => c.notNull().references('users.name').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text')
        .addColumn('csrf_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('auth_credentials_user').on('auth_credentials').columns(['user_name', 'kind']).execute();
      await db.schema.createTable('policy')
        .$call(serial)
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('commands', 'text', (c) => c.notNull())
        .addColumn('noderange', 'text')
        .addColumn('effect', 'text', (c) => c.notNull().check(sql`effect in ('allow', 'deny')`))
        .addColumn('comment', 'text')
        .execute();
      for (const row of BUILT_IN_POLICY)
        await db.insertInto('policy').values({ ...row, commands: JSON.stringify(row.commands) }).execute();
      await db.schema.createTable('audit')
        .$call(serial)
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('user_name', key, (c) => c.notNull())
        .addColumn('command', key, (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('nodes', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('from_addr', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_user_id').on('audit').columns(['user_name', 'id']).execute();
      await db.schema.createIndex('audit_time').on('audit').column('time').execute();
      if (flavor === 'postgres') {
        await sql`create function stage0_audit_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit is append-only: % refused', tg_op using errcode = 'insufficient_privilege'; end $$`.execute(db);
        await sql`create trigger audit_append_only before update or delete on audit
          for each row execute function stage0_audit_append_only()`.execute(db);
        await sql`create trigger audit_no_truncate before truncate on audit
          for each statement execute function stage0_audit_append_only()`.execute(db);
      } else {
        for (const op of ['update', 'delete'])
          await sql`create trigger ${sql.raw(`audit_no_${op}`)} before ${sql.raw(op)} on audit
            begin select raise(abort, ${sql.lit(`audit is append-only: ${op.toUpperCase()} refused`)}); end`.execute(db);
      }
    },
  };
}
