// QEMU command lines per firmware, MAC derivation, and the marker wait against a real file and a real process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnDetached, stopProcesses } from './processes.ts';
import { BOOT_GAVE_UP, OVMF_CODE, qemuArgs, vmMac, waitForMarker } from './qemu-vm.ts';

const base = { name: 'vm0', netns: 'ns', tap: 'tap0', mac: '52:54:00:01:02:03', dir: '/d', uuid: 'u-1', serialLog: '/d/s.log', varsFile: '/d/v.fd' };

test('BIOS: virtio-net with its iPXE ROM, boot from network, TCG, no display, serial to file, unique uuid', () => {
  const a = qemuArgs({ ...base, firmware: 'bios' }).join(' ');
  for (const s of ['-boot n', '-device virtio-net-pci,netdev=n0,mac=52:54:00:01:02:03', 'accel=tcg', '-display none', '-serial file:/d/s.log', '-uuid u-1', '-m 512', '-no-reboot', 'ifname=tap0']) {
    assert.ok(a.includes(s), s);
  }
  assert.ok(!a.includes('pflash'));
  assert.ok(!a.includes('romfile'), 'BIOS keeps QEMU\'s default iPXE ROM');
});

test('UEFI: OVMF pflash + own NVRAM copy, virtio-net without option ROM, bootindex=1', () => {
  const a = qemuArgs({ ...base, firmware: 'uefi', memMiB: 768 }).join(' ');
  for (const s of [`file=${OVMF_CODE}`, 'unit=1,file=/d/v.fd', 'virtio-net-pci,netdev=n0,mac=52:54:00:01:02:03,romfile=,bootindex=1', '-m 768']) {
    assert.ok(a.includes(s), s);
  }
  assert.ok(!a.includes('-boot n'));
});

test('vmMac: QEMU OUI, distinct per index and per seed, well-formed', () => {
  const macs = new Set<string>();
  for (const seed of [0, 1, 0xabcd]) for (let i = 0; i < 50; i++) macs.add(vmMac(seed, i));
  assert.equal(macs.size, 150);
  for (const m of macs) assert.match(m, /^52:54:00(:[0-9a-f]{2}){3}$/);
});

test('waitForMarker: finds a line appended later; fails fast when the VM process is gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-marker-'));
  try {
    const log = join(dir, 'serial.log');
    writeFileSync(log, 'booting\r\n');
    setTimeout(() => appendFileSync(log, 'STAGE0-CALLBACK-OK mac=x\r\n'), 300);
    const seen = await waitForMarker(log, 'STAGE0-CALLBACK-OK', { timeoutMs: 5000 });
    assert.equal(seen.line, 'STAGE0-CALLBACK-OK mac=x');
    const p = spawnDetached('vm:x', 'sleep', ['0.2'], join(dir, 'p.log'));
    await assert.rejects(waitForMarker(log, 'NEVER', { timeoutMs: 10_000, vm: p }), /exited without printing NEVER/);
    await stopProcesses([p]);
    await assert.rejects(waitForMarker(log, 'NEVER', { timeoutMs: 300 }), /no NEVER/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('waitForMarker with failOn: firmware that gave up fails at once instead of at the timeout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0-marker-'));
  try {
    const cases = ['No bootable device.', 'BdsDxe: No bootable option or device was found.', 'Kernel panic - not syncing: VFS', 'STAGE0-CALLBACK-FAILED mac=x'];
    for (const line of cases) {
      const log = join(dir, 'serial.log');
      writeFileSync(log, `Booting from ROM...\r\n${line}\r\n`);
      const t0 = Date.now();
      await assert.rejects(waitForMarker(log, 'STAGE0-CALLBACK-OK', { timeoutMs: 20_000, failOn: BOOT_GAVE_UP }), /VM gave up/, line);
      assert.ok(Date.now() - t0 < 2000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
