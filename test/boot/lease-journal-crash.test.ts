// A SQLite controller killed with SIGKILL in the middle of a storm of binds (and of its log folds) loses no lease it
// answered for: every bind that resolved in the child is there after a restart, as the last resolved bind left it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { JournaledLeaseStore } from '../../src/boot/dhcp/journaled-lease-store.ts';
import { SqlLeaseJournal } from '../../src/store/kysely/lease-journal-sql.ts';
import { openSqliteDatabase } from '../../src/store/sqlite/sqlite-store.ts';

const CHILD = path.join(import.meta.dirname, '../support/lease-journal-child.ts');

for (const killAfter of [150, 1500]) {
  test(`SIGKILL after ${killAfter} answered binds (folds every 64 changes): every answered lease survives`, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's0-crash-'));
    const file = path.join(dir, 'stage0.db');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      /** The last answered state of each MAC: what a client was told. */
      const told = new Map<string, { ip: string; expiresAt: number }>();
      let answered = 0;
      for await (const line of createInterface({ input: child.stdout! })) {
        const [word, ip, mac, expiresAt] = line.split(' ');
        if (word !== 'bound') continue;
        told.set(mac!, { ip: ip!, expiresAt: Number(expiresAt) });
        if (++answered === killAfter) child.kill('SIGKILL');
      }
      assert.equal(await exited, 'SIGKILL');
      assert.ok(answered >= killAfter, `the child answered ${answered} binds`);
      const db = await openSqliteDatabase(file);
      try {
        const after = await JournaledLeaseStore.open(new SqlLeaseJournal(db));
        const byMac = new Map((await after.list()).map((l) => [l.mac, l]));
        // Each round's claims expire a millisecond later than the round before: a row of a later round is a later
        // change of the same MAC (committed, not yet printed when the kill came), which may have moved it.
        const lost = [...told].filter(([mac, t]) => {
          const l = byMac.get(mac);
          return !l || l.expiresAt < t.expiresAt || (l.expiresAt === t.expiresAt && (l.ip !== t.ip || l.state !== 'bound'));
        });
        assert.deepEqual(lost, [], `${lost.length} of ${told.size} answered leases lost`);
        const ips = (await after.list()).map((l) => l.ip);
        assert.equal(new Set(ips).size, ips.length);
      } finally {
        await db.destroy();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
