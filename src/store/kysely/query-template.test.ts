// queryTemplate against a real SQLite database: the template's SQL and results match a query built each time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openSqliteDatabase } from '../sqlite/sqlite-store.ts';
import { queryTemplate } from './query-template.ts';

const dir = mkdtempSync(join(tmpdir(), 's0t-qt-'));
const db = await openSqliteDatabase(join(dir, 't.db'));
after(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('queryTemplate', () => {
  it('runs with new values, constants stay, and matches the query built each time', async () => {
    for (const [i, ip] of ['10.1.0.1', '10.1.0.2', '10.1.0.3'].entries()) {
      await db.insertInto('leases').values({ ip, subnet: '10.1.0.0/24', mac: `02:00:00:00:00:0${i}`, client_id: null, state: i === 2 ? 'declined' : 'bound', expires_at: 1000 * (i + 1), node: null, hostname: null }).execute();
    }
    const live = queryTemplate((subnet: string, after: number) => db.selectFrom('leases').select('ip').where('subnet', '=', subnet)
      .where('expires_at', '>', after).where('state', '<>', sql.lit('declined')).orderBy('ip'), ['\u0000subnet', -918_273_645]);
    const got = await db.executeQuery(live('10.1.0.0/24', 1500));
    assert.deepEqual(got.rows, [{ ip: '10.1.0.2' }]);
    const built = await db.selectFrom('leases').select('ip').where('subnet', '=', '10.1.0.0/24').where('expires_at', '>', 500).where('state', '<>', sql.lit('declined')).orderBy('ip').execute();
    assert.deepEqual((await db.executeQuery(live('10.1.0.0/24', 500))).rows, built);
    assert.deepEqual((await db.executeQuery(live('10.9.0.0/24', 0))).rows, []);
  });

  it('refuses a sentinel that the query does not use (a template that would silently ignore an argument)', () => {
    assert.throws(() => queryTemplate((ip: string, _unused: number) => db.selectFrom('leases').selectAll().where('ip', '=', ip), ['\u0000ip', -1]), /sentinel -1 does not appear/);
  });
});
