// Boot assets from Debian packages: a real kernel and a busybox initramfs with the NIC modules; rebuilt only when inputs change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildBootAssets } from '../../src/lab/boot-assets.ts';
import { run } from '../../src/lab/exec.ts';
import { labPaths } from '../../src/lab/lab-state.ts';
import { E2E_LAB_ROOT } from './support/lab-harness.ts';

test('buildBootAssets: bzImage kernel + initramfs (init, busybox, NIC modules in dependency order), cached', { timeout: 600_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 's0-assets-'));
  try {
    assert.deepEqual(await buildBootAssets(labPaths(E2E_LAB_ROOT).cache, out), { kernel: 'vmlinuz', initrd: 'initrd.gz' });
    const kernel = readFileSync(join(out, 'vmlinuz'));
    assert.equal(kernel.subarray(0x202, 0x206).toString('latin1'), 'HdrS', 'vmlinuz is not a bzImage');
    writeFileSync(join(out, 'initrd.cpio'), gunzipSync(readFileSync(join(out, 'initrd.gz'))));
    const names = (await run('cpio', ['-t', '--quiet', '-F', join(out, 'initrd.cpio')])).stdout.split('\n');
    for (const f of ['init', 'bin/busybox', 'sbin/udhcpc', 'usr/share/udhcpc/default.script', 'lib/modules/virtio_net.ko', 'lib/modules/order']) {
      assert.ok(names.includes(f), `${f} missing from the initramfs`);
    }
    const cache = join(labPaths(E2E_LAB_ROOT).cache, 'kernel');
    const order = JSON.parse(readFileSync(join(cache, 'complete.json'), 'utf8')).modules as string[];
    const before = (a: string, b: string) => assert.ok(order.indexOf(a) >= 0 && order.indexOf(a) < order.indexOf(b), `${a} must load before ${b}: ${order}`);
    before('virtio', 'virtio_pci');
    before('failover', 'net_failover');
    before('net_failover', 'virtio_net');
    before('virtio_ring', 'virtio_net');

    const mtime = statSync(join(out, 'initrd.gz')).mtimeMs;
    await buildBootAssets(labPaths(E2E_LAB_ROOT).cache, out);
    assert.equal(statSync(join(out, 'initrd.gz')).mtimeMs, mtime, 'unchanged inputs must not rebuild');
    writeFileSync(join(out, '.inputs.sha256'), 'something else');
    await buildBootAssets(labPaths(E2E_LAB_ROOT).cache, out);
    assert.notEqual(statSync(join(out, 'initrd.gz')).mtimeMs, mtime, 'changed inputs must rebuild');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
