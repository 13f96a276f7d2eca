// First start: one administrator with a random password in a 0600 file; never again once users exist; two
// controllers starting at once on one database leave one administrator and no stale password file.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStores } from '../store/open-store.ts';
import { ensureInitialAdmin, INITIAL_ADMIN_FILE } from './bootstrap-admin.ts';
import { verifyPassword } from './password-hash.ts';

describe('first-start administrator', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(path.join(tmpdir(), 's0-boot-admin-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });
  const quiet = { warn: () => undefined };

  test('creates admin once, with the password from the 0600 file (replacing a wider older file)', async () => {
    const stores = await openStores({ kind: 'sqlite', path: path.join(dir, 'a.db') });
    try {
      await writeFile(path.join(dir, INITIAL_ADMIN_FILE), 'old\n', { mode: 0o644 });
      const logged: unknown[] = [];
      const file = await ensureInitialAdmin(stores.auth, dir, { warn: (obj: unknown) => { logged.push(obj); } });
      assert.equal(file, path.join(dir, INITIAL_ADMIN_FILE));
      assert.equal((await stat(file!)).mode & 0o777, 0o600);
      const password = (await readFile(file!, 'utf8')).trim();
      const admin = await stores.auth.users.get('admin');
      assert.deepEqual(admin?.roles, ['admin']);
      assert.equal(await verifyPassword(password, admin!.passwordHash!), true);
      assert.ok(!JSON.stringify(logged).includes(password), 'the password is never logged');
      assert.match(JSON.stringify(logged[0]), /initial-admin-password/, 'the log says where the password is');
      assert.equal(await ensureInitialAdmin(stores.auth, dir, quiet), undefined, 'users exist: nothing happens');
      assert.equal((await readFile(file!, 'utf8')).trim(), password);
    } finally {
      await stores.inventory.close();
    }
  });

  test('two starts racing on one database: one administrator, and the file holds its password', async () => {
    const dbPath = path.join(dir, 'race.db');
    const [a, b] = [await openStores({ kind: 'sqlite', path: dbPath }), await openStores({ kind: 'sqlite', path: dbPath })];
    const [da, db] = [path.join(dir, 'a'), path.join(dir, 'b')];
    try {
      await Promise.all([da, db].map((d) => mkdir(d)));
      const results = await Promise.all([ensureInitialAdmin(a.auth, da, quiet), ensureInitialAdmin(b.auth, db, quiet)]);
      const winners = results.filter(Boolean);
      assert.equal(winners.length, 1, JSON.stringify(results));
      assert.equal((await a.auth.users.list()).length, 1);
      const password = (await readFile(winners[0]!, 'utf8')).trim();
      assert.equal(await verifyPassword(password, (await a.auth.users.get('admin'))!.passwordHash!), true);
      const loser = winners[0] === path.join(da, INITIAL_ADMIN_FILE) ? db : da;
      await assert.rejects(stat(path.join(loser, INITIAL_ADMIN_FILE)), /ENOENT/);
    } finally {
      await a.inventory.close();
      await b.inventory.close();
    }
  });
});
