// Module dependency parsing from a .ko's .modinfo strings (what modinfo -F depends prints, without kmod).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedKernelDebs, moduleDepends } from './kernel-package.ts';

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
