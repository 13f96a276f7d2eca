// The test image on its own: a UEFI machine with PXE switched off boots the disk (OVMF -> EFI shell -> startup.nsh ->
// Debian kernel EFI stub -> busybox initramfs), finds the install seed and calls the URL in it once.
import assert from 'node:assert/strict';
import { copyFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { labPaths } from '../../src/lab/lab-state.ts';
import { vmMac, waitForMarker } from '../../src/lab/qemu-vm.ts';
import { buildTestImage } from '../../src/images/test-image/build-test-image.ts';
import { DISK_BOOTED_MARKER, DISK_UP_FAILED_MARKER, DISK_UP_OK_MARKER } from '../../src/images/test-image/disk-init-script.ts';
import { encodeSeed, SEED_LBA } from '../../src/images/seed-region.ts';
import { BOOT_TIMEOUT_MS, E2E_LAB_ROOT } from './support/lab-harness.ts';
import { withProvisionLab } from './support/provision-lab.ts';
import { powerOn, type DiskMachine } from './support/provision-disk-vm.ts';

const GAVE_UP = new RegExp(`${DISK_UP_FAILED_MARKER}|Kernel panic|No bootable option or device was found`);

test('test image: the disk boots on its own under OVMF and calls the seed URL', { timeout: BOOT_TIMEOUT_MS + 120_000 }, async (t) => {
  const img = await buildTestImage(labPaths(E2E_LAB_ROOT).cache);
  await withProvisionLab('pdisk', 'uefi', async (lab) => {
    const m: DiskMachine = { name: 'disk0', mac: vmMac(lab.state.subnet * 256 + 0x5d, 1), uuid: '5ee0c0de-0000-4000-8000-00000000d15c', disk: join(lab.state.dir, 'disk0.raw'), diskSerial: 'S0DISK-D', memMiB: 512, smp: 1, runs: 0 };
    copyFileSync(img.path, m.disk);
    const fd = openSync(m.disk, 'r+');
    writeSync(fd, encodeSeed(`UP_URL='${lab.state.serverUrl}/boot/callback?mac=${m.mac}&status=disk-up'`), 0, undefined, SEED_LBA * 512);
    closeSync(fd);
    const vm = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: false, reboot: false });
    const since = Date.parse(vm.startedAt);
    const booted = await waitForMarker(vm.serialLog, DISK_BOOTED_MARKER, { timeoutMs: BOOT_TIMEOUT_MS, vm, sinceMs: since, failOn: GAVE_UP });
    const up = await waitForMarker(vm.serialLog, DISK_UP_OK_MARKER, { timeoutMs: BOOT_TIMEOUT_MS, vm, sinceMs: since, failOn: GAVE_UP });
    t.diagnostic(`QEMU start -> on-disk init ${(booted.elapsedMs / 1000).toFixed(1)} s -> up callback ${(up.elapsedMs / 1000).toFixed(1)} s`);
    assert.match(up.line, new RegExp(`mac=${m.mac} tries=1`));
    const events = (await lab.api('GET', '/api/v1/events?limit=1000')).body.items as { kind: string; details: Record<string, unknown> }[];
    assert.ok(events.some((e) => e.kind === 'boot.callback' && e.details.mac === m.mac && e.details.status === 'disk-up'), 'stage0 recorded the callback');
    assert.ok(!events.some((e) => e.kind === 'tftp.transfer' || e.kind === 'http.boot-script'), 'no network boot happened');
  });
});
