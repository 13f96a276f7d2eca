// The whole provisioning loop on one UEFI QEMU machine (issue 5): absent from the inventory -> PXE -> discovered and
// enrolled by a rule -> nodeset osimage=test-image -> power on -> the install agent writes and verifies the image ->
// install-done -> reboot -> PXE -> stage0 answers only "exit" -> the disk boots -> the system on it calls "up";
// after a stage0 restart it still boots its disk (never the installer) and its spent "up" token is refused.
// Then a corrupted image (catalog sha256 != served bytes): the node is marked failed, never installed, and its next
// network boot is held instead of reinstalled.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sleep } from '../../src/lab/exec.ts';
import { labPaths } from '../../src/lab/lab-state.ts';
import { stopProcesses } from '../../src/lab/processes.ts';
import { vmMac, waitForMarker, type VmProcess } from '../../src/lab/qemu-vm.ts';
import { buildTestImage } from '../../src/images/test-image/build-test-image.ts';
import { DISK_BOOTED_MARKER, DISK_UP_FAILED_MARKER, DISK_UP_OK_MARKER } from '../../src/images/test-image/disk-init-script.ts';
import { INSTALL_FAILED_MARKER, INSTALL_OK_MARKER } from '../../src/provision-env/install-agent.ts';
import { DISCOVERY_DONE_MARKER } from '../../src/provision-env/env-init-script.ts';
import { assertSubsequence, BOOT_TIMEOUT_MS, E2E_LAB_ROOT } from './support/lab-harness.ts';
import { withProvisionLab, type ProvisionLab } from './support/provision-lab.ts';
import { cliImageAdd } from './support/provision-cli.ts';
import { powerOn, type DiskMachine } from './support/provision-disk-vm.ts';
import type { TimelineEvent } from './support/stage0-timeline.ts';
import { restartStage0 } from './support/provision-stage0-restart.ts';

const UUID = '5ee0c0de-4100-4000-8000-0000000100b0';
const DISK_BYTES = 64 * 2 ** 20;
const GAVE_UP = new RegExp(['No bootable option or device was found', 'Kernel panic', 'STAGE0-DISCOVERY-FAILED', INSTALL_FAILED_MARKER, DISK_UP_FAILED_MARKER].join('|'));
const PHASE_MS = 180_000;

const show = (e: TimelineEvent) => `${e.time} ${e.node ?? '-'} ${e.kind} ${JSON.stringify(e.details)}`;
const ev = (kind: string, ...texts: string[]) => (e: TimelineEvent) => e.kind === kind && texts.every((x) => JSON.stringify(e.details).includes(x));

/** The node's events (and the unnamed ones that carry its MAC), oldest first; polls until `until` shows up. */
async function timeline(lab: ProvisionLab, node: string, mac: string, until: (e: TimelineEvent) => boolean): Promise<TimelineEvent[]> {
  let mine: TimelineEvent[] = [];
  for (let i = 0; i < 30; i++) {
    const all = ((await lab.api('GET', '/api/v1/events?limit=10000')).body.items as TimelineEvent[]).sort((a, b) => a.id - b.id);
    mine = all.filter((e) => e.node === node || JSON.stringify(e.details).includes(mac));
    if (mine.some(until)) break;
    await sleep(500);
  }
  return mine;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

test('provisioning loop: unknown UEFI machine -> discovered -> nodeset osimage -> image written and verified -> disk boots -> up; corrupted image -> failed, held', { timeout: 4 * PHASE_MS + 240_000 }, async (t) => {
  const t0 = Date.now();
  const img = await buildTestImage(labPaths(E2E_LAB_ROOT).cache);
  await withProvisionLab('ploop', 'uefi', async (lab) => {
    // --- Setup: a discovery rule, the test image in the catalog (gz, through the CLI), a profile using both.
    const rule = await lab.api('POST', '/api/v1/discovery-rules', { name: 'lab-uefi', priority: 10, match: { cpuModel: 'QEMU', minMemoryMiB: 256 }, namePattern: 'node{###}', groups: ['compute'] });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const gzFile = join(lab.state.dir, 'test-image.raw.gz');
    writeFileSync(gzFile, gzipSync(readFileSync(img.path)));
    const added = await cliImageAdd(lab, 'test-image', gzFile);
    assert.deepEqual([added.format, added.sha256, added.size], ['gz', img.sha256, img.size]);
    const profile = await lab.api('POST', '/api/v1/profiles', { name: 'test-image', kernel: 'stage0-env/vmlinuz', initrd: 'stage0-env/initrd.gz', cmdline: 'console=ttyS0,115200 panic=30', image: 'test-image' });
    assert.equal(profile.status, 201, JSON.stringify(profile.body));
    assert.equal((await lab.api('GET', '/api/v1/nodes')).body.items.length, 0, 'the machine must be absent from the inventory');

    const m: DiskMachine = { name: 'loop0', mac: vmMac(lab.state.subnet * 256 + 0x5b, 1), uuid: UUID, disk: join(lab.state.dir, 'loop0.disk.raw'), diskSerial: 'S0LOOP-0001', memMiB: 512, smp: 2, runs: 0 };
    closeSync(openSync(m.disk, 'w'));
    truncateSync(m.disk, DISK_BYTES); // blank (sparse) disk
    const since = (vm: VmProcess) => Date.parse(vm.startedAt);
    const wait = (vm: VmProcess, marker: string, failOn: RegExp | undefined = GAVE_UP) => waitForMarker(vm.serialLog, marker, { timeoutMs: PHASE_MS, vm, sinceMs: since(vm), ...(failOn && { failOn }) });

    // --- Boot 1: discovery. The environment reports and powers off; the rule enrolls the machine as node001.
    const b1 = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: true, reboot: false });
    const disc = await wait(b1, DISCOVERY_DONE_MARKER);
    t.diagnostic(`boot 1 (PXE -> discovery env -> report): ${seconds(disc.elapsedMs)} s`);
    const entry = (await lab.api('GET', '/api/v1/discovery')).body.items.find((e: { mac: string }) => e.mac === m.mac);
    assert.ok(entry, 'discovery entry');
    assert.deepEqual([entry.status, entry.node], ['enrolled', 'node001']);
    assert.match(entry.facts.cpu.model, /QEMU/);
    assert.equal(entry.facts.cpu.threads, 2);
    assert.equal(entry.facts.memory.totalMiB, 512);
    assert.deepEqual(entry.facts.disks.map((d: { name: string; sizeBytes: number; serial: string }) => [d.name, d.sizeBytes, d.serial]), [['vda', DISK_BYTES, m.diskSerial]]);
    await stopProcesses([b1], 20_000); // it powers itself off; wait for QEMU to be gone before the disk is reused

    // --- nodeset, then boot 2: install -> reboot (same QEMU) -> PXE -> exit -> disk -> up.
    const set = await lab.api('POST', '/api/v1/nodeset', { noderange: 'node001', target: 'osimage=test-image', cause: 'e2e provision loop' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const b2 = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: true, reboot: true });
    const installed = await wait(b2, INSTALL_OK_MARKER);
    assert.match(installed.line, new RegExp(`sha256=${img.sha256}`));
    const diskInit = await wait(b2, DISK_BOOTED_MARKER);
    const up = await wait(b2, DISK_UP_OK_MARKER);
    t.diagnostic(`boot 2 (PXE -> install env -> image written + verified): ${seconds(installed.elapsedMs)} s; reboot -> PXE -> exit -> disk init: +${seconds(diskInit.elapsedMs - installed.elapsedMs)} s; -> up: +${seconds(up.elapsedMs - diskInit.elapsedMs)} s`);
    assert.match(up.line, new RegExp(`mac=${m.mac} tries=1`));
    await stopProcesses([b2], 20_000);

    const state = (await lab.api('GET', '/api/v1/nodes/node001/boot-state')).body;
    assert.deepEqual([state.target, state.installStatus], ['boot', 'installed']);
    let events = await timeline(lab, 'node001', m.mac, (e) => e.kind === 'node.up');
    assertSubsequence(events, [
      ev('dhcp.ack', m.mac, 'snponly.efi'), ev('http.boot-script', m.mac), ev('http.asset', 'stage0-env/vmlinuz'),
      ev('discovery.reported', m.mac, UUID), (e) => e.kind === 'node.created' && e.node === 'node001', ev('discovery.enrolled', 'lab-uefi'),
      ev('boot-state.set', 'test-image'),
      ev('install.boot', 'test-image'), ev('http.boot-script', m.mac, '"plan":"kernel"'), ev('http.asset', 'stage0-env/vmlinuz'), ev('http.asset', 'stage0-env/initrd.gz'),
      ev('install.started'), ev('install.log', 'writing'), ev('install.log', 'sha256 verified'), ev('install.done'),
      ev('http.boot-script', m.mac, '"plan":"local"'), ev('node.up'),
    ], [
      'dhcp.ack (OVMF PXE)', 'http.boot-script (unknown)', 'http.asset env kernel', 'discovery.reported', 'node.created node001', 'discovery.enrolled',
      'boot-state.set osimage=test-image',
      'install.boot (token minted)', 'http.boot-script install', 'http.asset env kernel', 'http.asset env initrd',
      'install.started', 'install.log writing', 'install.log sha256 verified', 'install.done',
      'http.boot-script local (exit to disk)', 'node.up (from the disk)',
    ], show);
    const afterDone = events.slice(events.findIndex((e) => e.kind === 'install.done'));
    assert.ok(!afterDone.some((e) => e.kind === 'install.boot' || (e.kind === 'http.asset' && JSON.stringify(e.details).includes('stage0-env'))), 'after install-done the installer is never served again');

    // --- stage0 restart, then power on again: still the disk (no installer); the used "up" token is refused.
    const restartMs = await restartStage0(E2E_LAB_ROOT, lab.state);
    const b2b = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: true, reboot: false });
    const again = await wait(b2b, DISK_BOOTED_MARKER, /No bootable option or device was found|Kernel panic/);
    await wait(b2b, DISK_UP_FAILED_MARKER, undefined); // the seed's single-use up token was spent by the first boot
    t.diagnostic(`stage0 restarted in ${seconds(restartMs)} s; boot 2b (PXE -> exit -> disk again): ${seconds(again.elapsedMs)} s`);
    await stopProcesses([b2b], 20_000);
    events = await timeline(lab, 'node001', m.mac, (e) => e.kind === 'install.token-refused');
    const afterUp = events.slice(events.findIndex((e) => e.kind === 'node.up') + 1);
    assertSubsequence(afterUp, [ev('http.boot-script', m.mac, '"plan":"local"'), ev('install.token-refused', '"use":"up"', 'already used')],
      ['http.boot-script local (after the restart)', 'install.token-refused up (already used)'], show);
    assert.ok(!afterUp.some((e) => e.kind === 'install.boot' || e.kind === 'install.started'), 'never the installer again across a stage0 restart');

    // --- Corrupted image: the stored file no longer matches the catalog's sha256.
    const stored = join(lab.state.dir, 'data', 'images', 'test-image', 'disk.raw.gz');
    const bad = readFileSync(img.path);
    bad[3 * 2 ** 20] = bad[3 * 2 ** 20]! ^ 0xff;
    writeFileSync(stored, gzipSync(bad));
    const reset = await lab.api('POST', '/api/v1/nodeset', { noderange: 'node001', target: 'osimage=test-image', cause: 'e2e corrupted image' });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    const b3 = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: true, reboot: true });
    const failed = await wait(b3, INSTALL_FAILED_MARKER, /No bootable option or device was found|Kernel panic/);
    t.diagnostic(`boot 3 (corrupted image): install failed after ${seconds(failed.elapsedMs)} s: ${failed.line}`);
    assert.match(failed.line, /checksum mismatch/);
    await stopProcesses([b3], 5000); // the environment waits in its console shell: power it off
    const failedState = (await lab.api('GET', '/api/v1/nodes/node001/boot-state')).body;
    assert.equal(failedState.installStatus, 'failed');
    assert.match(failedState.statusReason, /checksum mismatch/);

    // --- Boot 4: the failed node PXE-boots again and is held (no installer), until someone runs nodeset.
    const b4 = powerOn(E2E_LAB_ROOT, lab.state, m, { pxe: true, reboot: false });
    const held = await wait(b4, 'stage0: nothing to boot for node001', /No bootable option or device was found|Kernel panic/);
    t.diagnostic(`boot 4 (failed node): held by stage0 after ${seconds(held.elapsedMs)} s`);
    await stopProcesses([b4], 5000);
    events = await timeline(lab, 'node001', m.mac, (e) => e.kind === 'http.boot-script' && JSON.stringify(e.details).includes('"plan":"none"'));
    const lastUp = events.findIndex((e) => e.kind === 'install.token-refused');
    assertSubsequence(events.slice(lastUp), [
      ev('boot-state.set', 'test-image'), ev('install.boot'), ev('http.boot-script', m.mac, '"plan":"kernel"'), ev('install.started'),
      ev('install.failed', 'checksum mismatch'), ev('http.boot-script', m.mac, '"plan":"none"', 'install failed'),
    ], ['boot-state.set (again)', 'install.boot', 'http.boot-script install', 'install.started', 'install.failed checksum mismatch', 'http.boot-script held'], show);
    const afterFail = events.slice(events.findIndex((e) => e.kind === 'install.failed'));
    assert.ok(!afterFail.some((e) => ['install.boot', 'install.started', 'install.done'].includes(e.kind)), 'a failed node is never reinstalled by itself');
    assert.ok(!events.some((e, i) => e.kind === 'install.done' && i > lastUp), 'the corrupted install never reported done');
  });
  t.diagnostic(`whole test: ${seconds(Date.now() - t0)} s`);
});
