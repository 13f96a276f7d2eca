// Real SQLite constraint errors become DomainError conflict naming the field; other errors pass through untouched.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { DomainError } from '../../domain/errors.ts';
import { mapConstraintError } from './constraint-error.ts';

function sqliteError(sqlText: string): unknown {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec(`create table nodes (name text primary key);
    create table node_macs (mac text primary key, node text not null references nodes(name));
    insert into nodes values ('n1'); insert into node_macs values ('02:00:00:00:00:01', 'n1');`);
  try {
    db.exec(sqlText);
  } catch (err) {
    return err;
  } finally {
    db.close();
  }
  assert.fail(`no error from ${sqlText}`);
}

const cases: [string, string, string | undefined][] = [
  ["insert into nodes values ('n1')", 'conflict', 'name'],
  ["insert into node_macs values ('02:00:00:00:00:01', 'n1')", 'conflict', 'macs'],
  ["insert into node_macs values ('02:00:00:00:00:02', 'ghost')", 'conflict', undefined],
];
for (const [sqlText, kind, field] of cases) {
  it(`maps the SQLite error of: ${sqlText}`, () => {
    const mapped = mapConstraintError(sqliteError(sqlText));
    assert.ok(mapped instanceof DomainError, String(mapped));
    assert.deepEqual([mapped.kind, mapped.field], [kind, field]);
    assert.ok(mapped.cause, 'keeps the driver error as cause');
  });
}

it('maps a PostgreSQL unique violation by its SQLSTATE, table and detail', () => {
  // The shape pg gives a 23505; postgres-store.test.ts maps a real one from a real server.
  const pgErr = Object.assign(new Error('duplicate key value violates unique constraint "node_macs_pkey"'), {
    code: '23505', table: 'node_macs', detail: 'Key (mac)=(02:00:00:00:00:01) already exists.',
  });
  const mapped = mapConstraintError(pgErr);
  assert.ok(mapped instanceof DomainError);
  assert.deepEqual([mapped.kind, mapped.field, mapped.message], ['conflict', 'macs', 'Key (mac)=(02:00:00:00:00:01) already exists.']);
});

it('leaves other errors alone', () => {
  const syntax = sqliteError('selec 1');
  assert.equal(mapConstraintError(syntax), syntax);
  const domain = new DomainError('invalid', 'x');
  assert.equal(mapConstraintError(domain), domain);
});
