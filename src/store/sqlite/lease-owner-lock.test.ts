// One `stage0 serve` per SQLite file: a second owner is refused by name, in the same process and from another one,
// and a holder killed with SIGKILL leaves no stale lock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { openStores } from '../open-store.ts';

describe('lease owner lock (SQLite)', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 's0-owner-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });
  const REFUSED = /another stage0 serve is running on this database.*PostgreSQL/;

  it('a second owner in the same process is refused until the first closes; plain openers are not', async () => {
    const path = join(dir, 'a.db');
    const first = await openStores({ kind: 'sqlite', path, ownLeases: true });
    await assert.rejects(openStores({ kind: 'sqlite', path, ownLeases: true }), REFUSED);
    const reader = await openStores({ kind: 'sqlite', path }); // the offline CLI, a backup
    await reader.inventory.close();
    await first.inventory.close();
    const second = await openStores({ kind: 'sqlite', path, ownLeases: true });
    await second.inventory.close();
  });

  it('another process holding it refuses this one; killed with SIGKILL, it leaves no stale lock', async () => {
    const path = join(dir, 'b.db');
    const code = `import { openStores } from ${JSON.stringify(new URL('../open-store.ts', import.meta.url).href)};
      await openStores({ kind: 'sqlite', path: ${JSON.stringify(path)}, ownLeases: true }); console.log('owner'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.on('exit', r));
    try {
      for await (const line of createInterface({ input: child.stdout! })) if (line === 'owner') break;
      await assert.rejects(openStores({ kind: 'sqlite', path, ownLeases: true }), REFUSED);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const now = await openStores({ kind: 'sqlite', path, ownLeases: true });
    await now.inventory.close();
  });
});
