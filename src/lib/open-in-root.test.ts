// RootDirectory on a real temporary tree: what opens, what is refused and why, a root that is itself a symlink and
// moves, and that a refusal leaves no descriptor open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RootDirectory } from './open-in-root.ts';

const openFds = async () => (await readdir('/proc/self/fd')).length;

describe('RootDirectory: opens under a root, checked on the descriptor', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-root-'));
    for (const d of ['v1', 'v2', 'v1/sub', 'outside', 'v1-evil']) await mkdir(path.join(dir, d));
    await writeFile(path.join(dir, 'v1', 'kernel'), 'one');
    await writeFile(path.join(dir, 'v1', 'sub', 'initrd'), 'initrd');
    await writeFile(path.join(dir, 'v2', 'kernel'), 'two');
    await writeFile(path.join(dir, 'outside', 'secret'), 'secret');
    await writeFile(path.join(dir, 'v1-evil', 'f'), 'prefix trick');
    await symlink('sub/initrd', path.join(dir, 'v1', 'alias')); // stays inside
    await symlink('../outside/secret', path.join(dir, 'v1', 'escape')); // relative, leaves
    await symlink(path.join(dir, 'outside'), path.join(dir, 'v1', 'outdir')); // a directory outside
    await symlink('../v1-evil/f', path.join(dir, 'v1', 'prefix')); // a sibling whose name starts with the root's
    await symlink('v1', path.join(dir, 'current')); // the served root is itself a link
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('files and inside symlinks open, with their real path and stats; the caller owns the handle', async () => {
    const root = new RootDirectory(path.join(dir, 'current'));
    for (const [name, real, body] of [['kernel', 'v1/kernel', 'one'], ['sub/initrd', 'v1/sub/initrd', 'initrd'], ['alias', 'v1/sub/initrd', 'initrd']] as const) {
      const r = await root.open(name);
      assert.ok(r.ok, name);
      try {
        assert.equal(r.real, path.join(dir, real), name);
        assert.equal(r.stats.size, body.length);
        assert.equal((await r.fh.readFile('utf8')), body);
      } finally {
        await r.fh.close();
      }
    }
  });

  test('symlinks out (relative, absolute directory, prefix trick) are "outside"; missing is "not-found"; a directory "not-a-file"', async () => {
    const root = new RootDirectory(path.join(dir, 'v1'));
    const before = await openFds();
    for (const name of ['escape', 'outdir/secret', 'prefix']) assert.deepEqual(await root.open(name), { ok: false, reason: 'outside' }, name);
    for (const name of ['nope', 'kernel/x', 'sub/nope']) assert.deepEqual(await root.open(name), { ok: false, reason: 'not-found' }, name);
    assert.deepEqual(await root.open('sub'), { ok: false, reason: 'not-a-file' });
    assert.deepEqual(await new RootDirectory(path.join(dir, 'absent')).open('kernel'), { ok: false, reason: 'not-found' });
    assert.ok((await openFds()) <= before, 'every refusal closed what it opened');
  });

  test('a root that is a symlink moved to another tree serves the new tree at once, and nothing of the old one', async () => {
    const root = new RootDirectory(path.join(dir, 'current'));
    const first = await root.open('kernel');
    assert.ok(first.ok);
    await first.fh.close();
    // Retarget current -> v2 the way an operator does it (a new link renamed over the old one).
    await symlink('v2', path.join(dir, 'next'));
    await rename(path.join(dir, 'next'), path.join(dir, 'current'));
    const now = await root.open('kernel');
    assert.ok(now.ok);
    try {
      assert.equal(now.real, path.join(dir, 'v2', 'kernel'));
      assert.equal(await now.fh.readFile('utf8'), 'two');
    } finally {
      await now.fh.close();
    }
    assert.deepEqual(await root.open('sub/initrd'), { ok: false, reason: 'not-found' }, 'v1 only: not under the new root');
  });
});
