// Module dependency parsing from a .ko's .modinfo strings (what modinfo -F depends prints, without kmod).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedKernelDebs, locateKernelDeb, moduleDepends } from './kernel-package.ts';

const modinfo = (...kv: string[]) => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(kv.join('\0') + '\0', 'latin1'), Buffer.alloc(8)]);

test('moduleDepends reads the depends= entry', () => {
  const cases: [Buffer, string[]][] = [
    [modinfo('license=GPL', 'depends=net_failover,virtio,virtio_ring', 'retpoline=Y'), ['net_failover', 'virtio', 'virtio_ring']],
    [modinfo('license=GPL', 'depends=', 'intree=Y'), []],
    [modinfo('license=GPL', 'name=e1000'), []],
    [modinfo('depends=failover'), ['failover']],
  ];
  for (const [ko, want] of cases) assert.deepEqual(moduleDepends(ko), want);
});

test('findCachedKernelDebs: generic before cloud, newest first within a flavour, other packages ignored', () => {
  const a = mkdtempSync(join(tmpdir(), 's0-debs-a-'));
  const b = mkdtempSync(join(tmpdir(), 's0-debs-b-'));
  try {
    for (const f of ['linux-image-6.1.0-53-cloud-amd64_6.1.187-1_amd64.deb', 'linux-image-6.1.0-9-amd64_6.1.27-1_amd64.deb', 'linux-image-cloud-amd64_6.1.187-1_amd64.deb']) writeFileSync(join(a, f), '');
    for (const f of ['linux-image-6.1.0-57-amd64_6.1.192-3_amd64.deb', 'linux-image-6.1.0-60-cloud-amd64_6.1.200-1_amd64.deb', 'linux-headers-6.1.0-60-amd64_6.1.200-1_amd64.deb']) writeFileSync(join(b, f), '');
    const found = findCachedKernelDebs([a, b, join(a, 'missing')]);
    assert.deepEqual(found.map((d) => [d.path.split('/').at(-1), d.flavour]), [
      ['linux-image-6.1.0-57-amd64_6.1.192-3_amd64.deb', 'generic'],
      ['linux-image-6.1.0-9-amd64_6.1.27-1_amd64.deb', 'generic'],
      ['linux-image-6.1.0-60-cloud-amd64_6.1.200-1_amd64.deb', 'cloud'],
      ['linux-image-6.1.0-53-cloud-amd64_6.1.187-1_amd64.deb', 'cloud'],
    ]);
    assert.deepEqual(findCachedKernelDebs([join(a, 'missing')]), []);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

/**
 * apt is the boundary: fake apt-get/apt-cache executables first on PATH (real processes, as locateKernelDeb runs
 * them) that log each call; apt-get download fails like an unreachable mirror unless `online` exists.
 */
function fakeApt(root: string) {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  const log = join(root, 'apt.log');
  writeFileSync(join(bin, 'apt-cache'), `#!/bin/sh\necho "apt-cache $*" >> ${log}\n[ "$1" = depends ] && echo "  Depends: linux-image-6.1.0-99-amd64"\n[ "$1" = depends ]\n`);
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "apt-get $*" >> ${log}\nif [ -e ${join(root, 'online')} ]; then touch linux-image-6.1.0-99-amd64_6.1.999-1_amd64.deb; exit 0; fi\n` +
    `echo "E: Failed to fetch http://deb.debian.org/x.deb  Temporary failure resolving 'deb.debian.org'" >&2\nexit 100\n`);
  for (const f of ['apt-cache', 'apt-get']) chmodSync(join(bin, f), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  return {
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('apt-get download')).length : 0),
    restore: () => { process.env.PATH = path; },
  };
}

test('locateKernelDeb: mirror unreachable -> the best package on the machine, the failure remembered for 10 min; online -> downloaded', async () => {
  const root = mkdtempSync(join(tmpdir(), 's0-locate-'));
  const apt = fakeApt(root);
  try {
    const cache = join(root, 'cache');
    const archive = join(root, 'archives');
    mkdirSync(archive);
    // Nothing anywhere: the error says what failed and where it looked.
    await assert.rejects(locateKernelDeb(cache, undefined, [archive]), (e: Error) =>
      /download failed \(E: Failed to fetch .*Temporary failure resolving/.test(e.message) && e.message.includes(archive) && /apt-get update/.test(e.message));
    assert.equal(apt.calls(), 1);
    // A cloud kernel in apt's archive: taken, and apt is not asked again while the failure is recent.
    writeFileSync(join(archive, 'linux-image-6.1.0-53-cloud-amd64_6.1.187-1_amd64.deb'), '');
    assert.equal(await locateKernelDeb(cache, undefined, [archive]), join(archive, 'linux-image-6.1.0-53-cloud-amd64_6.1.187-1_amd64.deb'));
    assert.equal(apt.calls(), 1, 'no second download attempt within 10 minutes');
    // A generic kernel beats it, older or not.
    writeFileSync(join(archive, 'linux-image-6.1.0-9-amd64_6.1.27-1_amd64.deb'), '');
    assert.equal(await locateKernelDeb(cache, undefined, [archive]), join(archive, 'linux-image-6.1.0-9-amd64_6.1.27-1_amd64.deb'));
    // Ten minutes on, apt is tried again; with the mirror back, the package apt names is downloaded into the cache.
    const mark = join(cache, 'debs', '.download-failed');
    const old = (Date.now() - 11 * 60_000) / 1000;
    utimesSync(mark, old, old);
    writeFileSync(join(root, 'online'), '');
    assert.equal(await locateKernelDeb(cache, undefined, [archive]), join(cache, 'debs', 'linux-image-6.1.0-99-amd64_6.1.999-1_amd64.deb'));
    assert.equal(apt.calls(), 2);
    assert.ok(!existsSync(mark), 'a good download clears the failure');
    // Already downloaded: no apt at all.
    assert.equal(await locateKernelDeb(cache, undefined, [archive]), join(cache, 'debs', 'linux-image-6.1.0-99-amd64_6.1.999-1_amd64.deb'));
    assert.equal(apt.calls(), 2);
    // An explicit package wins; a missing one is named.
    assert.equal(await locateKernelDeb(cache, join(archive, 'linux-image-6.1.0-53-cloud-amd64_6.1.187-1_amd64.deb'), [archive]), join(archive, 'linux-image-6.1.0-53-cloud-amd64_6.1.187-1_amd64.deb'));
    await assert.rejects(locateKernelDeb(cache, join(root, 'nope.deb')), /nope\.deb does not exist/);
  } finally {
    apt.restore();
    rmSync(root, { recursive: true, force: true });
  }
});
