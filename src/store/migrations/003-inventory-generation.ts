// Migration 003: a counter that moves on every change to nodes, groups or the site, kept by triggers so that no
// writer (this controller, another controller on the same PostgreSQL, a future repository) can forget it.
// Readers cache the inventory and re-read it only when the counter has moved.
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';

const TABLES = ['nodes', 'groups', 'site'] as const;

export function inventoryGenerationMigration(flavor: SqlFlavor): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('inventory_generation')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('generation', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('inventory_generation').values({ id: 1, generation: 1 }).execute();
      if (flavor === 'postgres') {
        await sql`create function stage0_bump_generation() returns trigger language plpgsql as $$
          begin update inventory_generation set generation = generation + 1 where id = 1; return null; end $$`.execute(db);
        for (const t of TABLES)
          await sql`create trigger ${sql.raw(`${t}_generation`)} after insert or update or delete on ${sql.table(t)}
            for each statement execute function stage0_bump_generation()`.execute(db);
      } else {
        for (const t of TABLES)
          for (const op of ['insert', 'update', 'delete'])
            await sql`create trigger ${sql.raw(`${t}_generation_${op}`)} after ${sql.raw(op)} on ${sql.table(t)}
              begin update inventory_generation set generation = generation + 1 where id = 1; end`.execute(db);
      }
    },
  };
}
