// The statement cache on a real better-sqlite3 database: one prepare per SQL text, results unchanged, bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from './statement-cache.ts';

describe('withStatementCache', () => {
  it('prepares each SQL text once and kysely queries still see every write', async () => {
    const file = new Database(':memory:');
    let prepares = 0;
    const counting = { close: () => file.close(), prepare: (sql: string) => (prepares++, file.prepare(sql)) };
    const db = new Kysely<{ t: { id: number; v: string } }>({ dialect: new SqliteDialect({ database: withStatementCache(counting) }) });
    await db.schema.createTable('t').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('v', 'text').execute();
    for (let i = 0; i < 50; i++) await db.insertInto('t').values({ id: i, v: `v${i}` }).execute();
    const rows = [];
    for (let i = 0; i < 50; i++) rows.push(await db.selectFrom('t').select('v').where('id', '=', i).executeTakeFirst());
    assert.deepEqual(rows.map((r) => r?.v), Array.from({ length: 50 }, (_, i) => `v${i}`));
    assert.equal(prepares, 3, 'create table, insert and select: one prepare each');
    await db.destroy();
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const file = new Database(':memory:');
    const db = withStatementCache(file, 2);
    const a = db.prepare('select 1');
    db.prepare('select 2');
    assert.equal(db.prepare('select 1'), a);
    db.prepare('select 3'); // evicts "select 2"
    assert.equal(db.cached, 2);
    assert.equal(db.prepare('select 1'), a);
    db.close();
  });
});
