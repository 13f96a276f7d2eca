// "Boot from local disk" over the network: a UEFI node whose next boot is its disk PXE-boots, stage0's iPXE script
// exits, OVMF moves on to the next boot option (the disk) and the system on the disk calls back "up".
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { labPaths } from '../../src/lab/lab-state.ts';
import { vmMac, waitForMarker } from '../../src/lab/qemu-vm.ts';
import { buildTestImage } from '../../src/images/test-image/build-test-image.ts';
import { DISK_BOOTED_MARKER, DISK_UP_FAILED_MARKER, DISK_UP_OK_MARKER } from '../../src/images/test-image/disk-init-script.ts';
import { BIOS_STUB_MARKER } from '../../src/images/disk/bios-serial-stub.ts';
import { encodeSeed, SEED_LBA } from '../../src/images/seed-region.ts';
import { assertSubsequence, BOOT_TIMEOUT_MS, E2E_LAB_ROOT } from './support/lab-harness.ts';
import { withProvisionLab } from './support/provision-lab.ts';
import { powerOn, type DiskMachine } from './support/provision-disk-vm.ts';
import { ev, showEvent, type TimelineEvent } from './support/stage0-timeline.ts';

const GAVE_UP = new RegExp(`${DISK_UP_FAILED_MARKER}|Kernel panic|No bootable option or device was found`);

test('UEFI node with next boot = disk: PXE -> iPXE exit -> OVMF boots the disk -> up', { timeout: BOOT_TIMEOUT_MS + 120_000 }, async (t) => {
  const img = await buildTestImage(labPaths(E2E_LAB_ROOT).cache);
  await withProvisionLab('plocal', 'uefi', async (lab) => {
    const m: DiskMachine = { name: 'local0', mac: vmMac(lab.state.subnet * 256 + 0x5c, 1), uuid: '5ee0c0de-0000-4000-8000-0000000010ca', disk: join(lab.state.dir, 'local0.raw'), diskSerial: 'S0DISK-L', memMiB: 512, smp: 1, runs: 0 };
    const created = await lab.api('POST', '/api/v1/nodes', { name: 'local0', macs: [m.mac] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const set = await lab.api('POST', '/api/v1/nodeset', { noderange: 'local0', target: 'boot' });
    assert.ok(set.status >= 200 && set.status < 300, `nodeset boot: ${set.status} ${JSON.stringify(set.body)}`);
    copyFileSync(img.path, m.disk);
    const fd = openSync(m.disk, 'r+');
    writeSync(fd, encodeSeed(`UP_URL='${lab.state.serverUrl}/boot/callback?mac=${m.mac}&status=disk-up'`), 0, undefined, SEED_LBA * 512);
    closeSync(fd);
    const vm = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: true, reboot: false });
    const since = Date.parse(vm.startedAt);
    const booted = await waitForMarker(vm.serialLog, DISK_BOOTED_MARKER, { timeoutMs: 100_000, vm, sinceMs: since, failOn: GAVE_UP });
    const up = await waitForMarker(vm.serialLog, DISK_UP_OK_MARKER, { timeoutMs: BOOT_TIMEOUT_MS, vm, sinceMs: since, failOn: GAVE_UP });
    t.diagnostic(`QEMU start -> PXE -> exit -> disk init ${(booted.elapsedMs / 1000).toFixed(1)} s -> up ${(up.elapsedMs / 1000).toFixed(1)} s`);
    const events = ((await lab.api('GET', '/api/v1/events?limit=1000')).body.items as TimelineEvent[]).sort((a, b) => a.id - b.id);
    assertSubsequence(events, [ev('dhcp.ack', m.mac, 'snponly.efi'), ev('tftp.transfer', 'snponly.efi'), ev('http.boot-script', m.mac, '"plan":"local"'), ev('boot.callback', m.mac, 'disk-up')],
      ['dhcp.ack snponly.efi', 'tftp snponly.efi', 'http.boot-script local', 'boot.callback disk-up'], showEvent);
    // After iPXE's exit OVMF goes on down its boot options: its UEFI HTTP boot (HTTPv4) may fetch the NBP again and
    // be told "local" again before the disk comes; what must never come over the network is a kernel or an initrd.
    const assets = events.filter((e) => e.kind === 'http.asset').map((e) => String(e.details.path));
    assert.deepEqual(assets.filter((p) => p !== 'snponly.efi'), [], 'no kernel or initrd was fetched over the network');
    assert.ok(!events.some((e) => e.kind === 'http.boot-script' && e.details.mac === m.mac && e.details.plan !== 'local'), 'every script this node got said local');
  });
});

test('BIOS node with next boot = disk: iPXE ROM -> exit -> SeaBIOS boots the disk (MBR stub prints on COM1)', { timeout: BOOT_TIMEOUT_MS + 120_000 }, async (t) => {
  const img = await buildTestImage(labPaths(E2E_LAB_ROOT).cache);
  await withProvisionLab('plocalb', 'bios', async (lab) => {
    const m: DiskMachine = { name: 'local1', mac: vmMac(lab.state.subnet * 256 + 0x5c, 2), uuid: '5ee0c0de-0000-4000-8000-0000000010cb', disk: join(lab.state.dir, 'local1.raw'), diskSerial: 'S0DISK-B', memMiB: 256, smp: 1, runs: 0 };
    assert.equal((await lab.api('POST', '/api/v1/nodes', { name: 'local1', macs: [m.mac] })).status, 201);
    assert.equal((await lab.api('POST', '/api/v1/nodeset', { noderange: 'local1', target: 'boot' })).status, 200);
    copyFileSync(img.path, m.disk);
    const vm = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: true, reboot: false, firmware: 'bios' });
    const seen = await waitForMarker(vm.serialLog, BIOS_STUB_MARKER, { timeoutMs: 120_000, vm, sinceMs: Date.parse(vm.startedAt), failOn: /No bootable device|Boot failed/ });
    t.diagnostic(`SeaBIOS: QEMU start -> PXE -> exit -> disk MBR code ${(seen.elapsedMs / 1000).toFixed(1)} s`);
    const events = ((await lab.api('GET', '/api/v1/events?limit=1000')).body.items as TimelineEvent[]).sort((a, b) => a.id - b.id);
    assertSubsequence(events, [ev('dhcp.ack', m.mac, '/boot.ipxe'), ev('http.boot-script', m.mac, '"plan":"local"')], ['dhcp.ack (iPXE ROM)', 'http.boot-script local'], showEvent);
    assert.ok(!events.some((e) => e.kind === 'http.asset'), 'nothing but the script was fetched');
  });
});
