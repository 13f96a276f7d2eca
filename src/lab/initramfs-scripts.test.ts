// The initramfs scripts parse under the very shell that runs them (busybox sh), and the hook configures an interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.ts';
import { CALLBACK_OK_MARKER, INIT_SCRIPT, UDHCPC_SCRIPT } from './initramfs-scripts.ts';

test('init and default.script pass `busybox sh -n` (apt-get install busybox-static if busybox is missing)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-init-'));
  try {
    for (const [name, text] of [['init', INIT_SCRIPT], ['default.script', UDHCPC_SCRIPT]] as const) {
      writeFileSync(join(dir, name), text);
      const r = await run('busybox', ['sh', '-n', join(dir, name)], { allowFail: true });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('init reads stage0.callback= and reports with mac and status=up, printing the marker', () => {
  assert.match(INIT_SCRIPT, /stage0\.callback=\*\) url=\$\{arg#stage0\.callback=\}/);
  assert.match(INIT_SCRIPT, /wget -q -O- "\$url\$\{sep\}mac=\$mac&status=up"/);
  assert.ok(INIT_SCRIPT.includes(`echo "${CALLBACK_OK_MARKER} mac=$mac`));
  assert.ok(INIT_SCRIPT.trimEnd().endsWith('poweroff -f'));
});

test('default.script bound: flushes, adds ip/mask and the default route (POSIX sh, a fake ip on PATH)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-udhcpc-'));
  try {
    writeFileSync(join(dir, 'ip'), '#!/bin/sh\necho "ip $*" >> "$LOG"\n');
    writeFileSync(join(dir, 'hook'), UDHCPC_SCRIPT);
    chmodSync(join(dir, 'ip'), 0o755);
    // dash, not busybox sh: busybox's shell runs its own `ip` applet before anything on PATH
    const env = [`PATH=${dir}:/usr/bin:/bin`, `LOG=${dir}/log`, 'interface=eth0', 'ip=10.99.1.150', 'mask=24', 'broadcast=10.99.1.255', 'router=10.99.1.1'];
    await run('env', [...env, 'sh', join(dir, 'hook'), 'bound']);
    const log = (await run('cat', [`${dir}/log`])).stdout.trim().split('\n');
    assert.deepEqual(log, [
      'ip -4 addr flush dev eth0',
      'ip addr add 10.99.1.150/24 broadcast 10.99.1.255 dev eth0',
      'ip route add default via 10.99.1.1 dev eth0',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
