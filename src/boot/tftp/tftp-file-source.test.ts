// File sources on a real temporary directory: root jail incl. symlinks, cache, generated files, chaining.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, symlink, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { directoryFileSource } from './directory-file-source.ts';
import { chainFileSources, generatedFileSource, TftpAccessDenied } from './tftp-file-source.ts';
import type { TftpLog } from './tftp-log.ts';

const client = { address: '192.0.2.7', port: 2000 };
const big = randomBytes(600_000);
let dir: string;
let outside: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 's0t-tftp-src-'));
  outside = await mkdtemp(join(tmpdir(), 's0t-tftp-out-'));
  await writeFile(join(outside, 'secret'), 'top secret');
  await mkdir(join(dir, 'root', 'pxelinux.cfg'), { recursive: true });
  await mkdir(join(dir, 'root', 'sub'));
  await writeFile(join(dir, 'root', 'undionly.kpxe'), Buffer.alloc(70_000, 7));
  await writeFile(join(dir, 'root', 'big.img'), big);
  await writeFile(join(dir, 'root', 'pxelinux.cfg', 'default'), 'DEFAULT local\n');
  await symlink(join(outside, 'secret'), join(dir, 'root', 'escape')); // absolute link out of the root
  await symlink('../../', join(dir, 'root', 'sub', 'up')); // relative link climbing out
  await symlink('undionly.kpxe', join(dir, 'root', 'alias.kpxe')); // link that stays inside: allowed
  await writeFile(join(dir, 'sibling-secret'), 'x'); // /root-prefix trick: root2 must not match root
  await mkdir(join(dir, 'root2'));
  await writeFile(join(dir, 'root2', 'f'), 'f');
  await symlink(join(dir, 'root2', 'f'), join(dir, 'root', 'prefix-trick'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

function recordingLog(): TftpLog & { warnings: object[] } {
  const warnings: object[] = [];
  return { warnings, info() {}, debug() {}, warn: (f) => void warnings.push(f) };
}

describe('directoryFileSource', () => {
  it('serves files and symlinks that stay inside the root', async () => {
    const src = directoryFileSource(join(dir, 'root'));
    const f = await src.open('pxelinux.cfg/default', client);
    assert.equal((await f?.read(0, 100))?.toString(), 'DEFAULT local\n');
    assert.equal((await src.open('alias.kpxe', client))?.size, 70_000);
    assert.equal((await src.open('boot\\..\\x', client).catch((e: unknown) => e)) instanceof TftpAccessDenied, true);
  });

  it('returns undefined for missing files and directories', async () => {
    const src = directoryFileSource(join(dir, 'root'));
    assert.equal(await src.open('nope.efi', client), undefined);
    assert.equal(await src.open('undionly.kpxe/x', client), undefined);
    assert.equal(await src.open('pxelinux.cfg', client), undefined);
  });

  const refused: [string, string][] = [
    ['../../etc/passwd', '".." segment'],
    ['/etc/passwd', 'absolute path'],
    ['escape', 'resolves outside the root'],
    ['sub/up/sibling-secret', 'resolves outside the root'],
    ['prefix-trick', 'resolves outside the root'],
    ['a\0b', 'NUL byte in path'],
  ];
  it('refuses traversal, absolute paths, NUL and symlinks out of the root; counts and logs the client', async () => {
    const log = recordingLog();
    const src = directoryFileSource(join(dir, 'root'), { log });
    for (const [path, reason] of refused) {
      await assert.rejects(src.open(path, client), (err: unknown) => err instanceof TftpAccessDenied && err.reason === reason, path);
    }
    assert.equal(src.stats().refused, refused.length);
    assert.deepEqual(log.warnings[2], { client: '192.0.2.7:2000', path: 'escape', reason: 'resolves outside the root' });
  });

  it('reads a hot file from disk once for many concurrent opens, and again after it changes', async () => {
    const src = directoryFileSource(join(dir, 'root'), { cacheMaxFileBytes: 100_000 });
    const files = await Promise.all(Array.from({ length: 50 }, () => src.open('undionly.kpxe', client)));
    assert.ok(files.every((f) => f?.size === 70_000));
    assert.deepEqual(src.stats(), { refused: 0, cacheHits: 49, cacheMisses: 1 });
    await writeFile(join(dir, 'root', 'undionly.kpxe'), Buffer.alloc(70_001, 8));
    await utimes(join(dir, 'root', 'undionly.kpxe'), new Date(), new Date(Date.now() + 5000));
    const changed = await src.open('undionly.kpxe', client);
    assert.equal(changed?.size, 70_001);
    assert.equal((await changed?.read(70_000, 10))?.[0], 8);
    assert.equal(src.stats().cacheMisses, 2);
  });

  it('serves files above the cache limit through a file handle that is closed at the end', async () => {
    const src = directoryFileSource(join(dir, 'root'), { cacheMaxFileBytes: 100_000 });
    const f = await src.open('big.img', client);
    assert.equal(f?.size, 600_000);
    // In order, across the 256 KiB read-ahead boundary, backwards, and past the end.
    for (const [offset, length] of [[0, 1468], [1468, 1468], [262_000, 1468], [262_144, 512], [100, 10], [599_990, 1468]] as const) {
      assert.deepEqual(await f?.read(offset, length), big.subarray(offset, offset + length), `read(${offset}, ${length})`);
    }
    assert.equal(typeof f?.close, 'function');
    await f?.close?.();
    assert.equal(src.stats().cacheMisses, 0);
  });
});

describe('generated and chained sources', () => {
  const generated = generatedFileSource((path, c) =>
    path === `pxelinux.cfg/01-${c.mac}` ? `DEFAULT install\n# for ${c.address}\n` : undefined,
  );
  it('generated files come first, then the directory', async () => {
    const src = chainFileSources(generated, directoryFileSource(join(dir, 'root')));
    const mine = await src.open('pxelinux.cfg/01-52-54-00-12-34-56', { ...client, mac: '52-54-00-12-34-56' });
    assert.equal((await mine?.read(0, 100))?.toString(), 'DEFAULT install\n# for 192.0.2.7\n');
    const fallback = await src.open('pxelinux.cfg/default', client);
    assert.equal((await fallback?.read(0, 100))?.toString(), 'DEFAULT local\n');
    assert.equal(await src.open('pxelinux.cfg/01-aa', client), undefined);
    await assert.rejects(src.open('../../etc/passwd', client), TftpAccessDenied);
  });
});
