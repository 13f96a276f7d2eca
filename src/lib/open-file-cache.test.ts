// OpenFileCache on a real directory: one descriptor per file for a window's requests, a replaced file served after
// the window while a reader of the old one finishes with it, misses never cached, and every descriptor closed in the
// end (counted in /proc/self/fd).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RootDirectory } from './open-in-root.ts';
import { OpenFileCache, type SharedFile } from './open-file-cache.ts';

describe('OpenFileCache', () => {
  let dir: string;
  /** Descriptors of this process open on files under the test directory. */
  const filesOpen = async () => {
    let n = 0;
    for (const fd of await readdir('/proc/self/fd')) n += (await readlink(`/proc/self/fd/${fd}`).catch(() => '')).startsWith(dir) ? 1 : 0;
    return n;
  };
  /** Waits (up to 3 s: closes go through the thread pool) until `want` descriptors are open, and returns the count. */
  const settleTo = async (want: number) => {
    const deadline = Date.now() + 3000;
    while ((await filesOpen()) !== want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return filesOpen();
  };
  const read = async (f: SharedFile) => {
    const buf = Buffer.alloc(f.stats.size);
    await f.fh.read(buf, 0, buf.length, 0); // by offset, as every sender of a shared descriptor must
    return buf.toString();
  };
  const opened = async (c: OpenFileCache, name: string) => {
    const r = await c.open(name);
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
    return r.file;
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 's0-ofc-'));
    for (const f of ['a', 'b', 'c']) await writeFile(path.join(dir, f), `file ${f}`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a hundred concurrent requests for one file share one descriptor; released and past its window, it closes', async () => {
    const c = new OpenFileCache(new RootDirectory(dir), { ttlMs: 100 });
    const files = await Promise.all(Array.from({ length: 100 }, () => opened(c, 'a')));
    assert.equal(new Set(files.map((f) => f.fh.fd)).size, 1);
    assert.equal(await filesOpen(), 1);
    assert.deepEqual(new Set(await Promise.all(files.map(read))), new Set(['file a']));
    for (const f of files) f.release();
    assert.equal(await settleTo(0), 0, 'the sweep closes an idle stale descriptor');
    c.close();
  });

  test('a file replaced under its name: the next window serves the new one; a reader of the old one keeps it until release', async () => {
    let now = 0;
    const c = new OpenFileCache(new RootDirectory(dir), { ttlMs: 1000, now: () => now });
    const old = await opened(c, 'b');
    await writeFile(path.join(dir, 'b.new'), 'file b, version 2');
    await rename(path.join(dir, 'b.new'), path.join(dir, 'b'));
    const same = await opened(c, 'b');
    assert.equal(await read(same), 'file b', 'within the window: the descriptor already open');
    same.release();
    now = 1001;
    const fresh = await opened(c, 'b');
    assert.equal(await read(fresh), 'file b, version 2');
    assert.equal(await read(old), 'file b', 'the old reader still reads what it began with');
    assert.equal(await filesOpen(), 2);
    old.release();
    assert.equal(await settleTo(1), 1, 'the old descriptor closed with its last user');
    fresh.release();
    c.close();
    assert.equal(await settleTo(0), 0);
  });

  test('misses and refusals are not remembered: a file that appears is served at once', async () => {
    const c = new OpenFileCache(new RootDirectory(dir), { ttlMs: 60_000 });
    assert.deepEqual(await c.open('late'), { ok: false, reason: 'not-found' });
    await writeFile(path.join(dir, 'late'), 'here now');
    const f = await opened(c, 'late');
    assert.equal(await read(f), 'here now');
    f.release();
    c.close();
  });

  test('beyond maxFiles the oldest is retired (closed once unused); close() retires the rest, in-use ones at release', async () => {
    const c = new OpenFileCache(new RootDirectory(dir), { ttlMs: 60_000, maxFiles: 2 });
    const a = await opened(c, 'a');
    (await opened(c, 'b')).release();
    (await opened(c, 'c')).release(); // a is retired, but in use
    assert.equal(c.openFiles, 2);
    assert.equal(await filesOpen(), 3);
    assert.equal(await read(a), 'file a');
    a.release();
    a.release(); // twice is harmless
    assert.equal(await settleTo(2), 2);
    const held = await opened(c, 'c');
    c.close();
    assert.equal(await settleTo(1), 1, 'the one in use stays open');
    assert.equal(await read(held), 'file c');
    held.release();
    assert.equal(await settleTo(0), 0);
    await assert.rejects(c.open('a'), /closed/);
  });
});
