// `stage0 rinstall` through a real IPMI BMC, the whole way (issue 8 on top of the lifecycle loop): a powered-off UEFI
// machine with a blank disk sits behind OpenIPMI's ipmi_sim; `stage0 rinstall node001 osimage=test-image` (CLI) sets
// its next boot, asks the BMC over RMCP+ for "network once" and a power cycle (= on, it is off) -> ipmi_sim starts
// the QEMU -> PXE -> the install environment writes and verifies the image -> install-done -> the machine reboots
// -> stage0 answers "exit" -> the disk boots, calls back "up" and powers off. Then `rpower stat` sees it off, `on`
// starts it again and `off` really ends it. The node's timeline is asserted in order.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sleep } from '../../src/lab/exec.ts';
import { chassisQemuPid } from '../../src/lab/ipmi-sim.ts';
import { IPMI_BASE_PORT, startNetnsIpmiSim } from '../../src/lab/lab-ipmi-bmc.ts';
import { labPaths, saveLabState } from '../../src/lab/lab-state.ts';
import { vmMac, waitForMarker, type VmProcess } from '../../src/lab/qemu-vm.ts';
import { buildTestImage } from '../../src/images/test-image/build-test-image.ts';
import { DISK_BOOTED_MARKER, DISK_UP_FAILED_MARKER, DISK_UP_OK_MARKER } from '../../src/images/test-image/disk-init-script.ts';
import { INSTALL_FAILED_MARKER, INSTALL_OK_MARKER } from '../../src/provision-env/install-agent.ts';
import { assertSubsequence, E2E_LAB_ROOT } from './support/lab-harness.ts';
import { cliImageAdd, stage0Cli } from './support/provision-cli.ts';
import { diskMachineArgs, type DiskMachine } from './support/provision-disk-vm.ts';
import { withProvisionLab } from './support/provision-lab.ts';
import { ev, showEvent, type TimelineEvent } from './support/stage0-timeline.ts';

const PHASE_MS = 180_000;
const GAVE_UP = new RegExp(['No bootable option or device was found', 'Kernel panic', INSTALL_FAILED_MARKER, DISK_UP_FAILED_MARKER].join('|'));
const BMC_USER = 'admin';
const BMC_PASS = 'rinstall-lab';

test('rinstall through ipmi_sim: powered-off machine -> IPMI network boot + power on -> image installed and verified -> install-done -> its own disk boots -> up; rpower stat/off act on it', { timeout: 2 * PHASE_MS + 120_000 }, async (t) => {
  const img = await buildTestImage(labPaths(E2E_LAB_ROOT).cache);
  await withProvisionLab('pipmi', 'uefi', async (lab) => {
    const m: DiskMachine = { name: 'node001', mac: vmMac(lab.state.subnet * 256 + 0x5d, 1), uuid: '5ee0c0de-4100-4000-8000-00000001a0b1', disk: join(lab.state.dir, 'node001.disk.raw'), diskSerial: 'S0IPMI-0001', memMiB: 512, smp: 1, runs: 0 };
    closeSync(openSync(m.disk, 'w'));
    truncateSync(m.disk, 64 * 2 ** 20); // a blank (sparse) disk: nothing to boot until the install

    // The BMC: ipmi_sim in the lab namespace whose chassis is this machine (a guest reboot stays in the same QEMU).
    const { args, serialLog } = diskMachineArgs(lab.state, m, { pxe: true, reboot: true });
    args.push('-pidfile', join(lab.state.dir, `${m.name}.qemu.pid`)); // lab down stops it by this file, whatever happens
    lab.state.nodes.push({ name: m.name, mac: m.mac, tap: 'tap0' });
    const bmcDir = join(lab.state.dir, 'ipmi', m.name);
    await startNetnsIpmiSim(lab.state.netns, {
      name: `bmc-${m.name}`, dir: bmcDir, address: lab.state.serverIp, port: IPMI_BASE_PORT, serial: 'S0IPMI-BMC-1',
      username: BMC_USER, password: BMC_PASS, machineArgs: args, monitorPort: 5550,
    }, (p) => {
      lab.state.processes.push(p);
      saveLabState(E2E_LAB_ROOT, lab.state);
    });

    // Inventory: the node with its BMC; the image (gz, through the CLI) and a profile using it.
    const node = await lab.api('POST', '/api/v1/nodes', {
      name: m.name, macs: [m.mac],
      attrs: { 'bmc.driver': 'ipmi', 'bmc.address': lab.state.serverIp, 'bmc.port': IPMI_BASE_PORT, 'bmc.username': BMC_USER, 'bmc.password': BMC_PASS },
    });
    assert.equal(node.status, 201, JSON.stringify(node.body));
    const gzFile = join(lab.state.dir, 'test-image.raw.gz');
    writeFileSync(gzFile, gzipSync(readFileSync(img.path)));
    assert.equal((await cliImageAdd(lab, 'test-image', gzFile)).sha256, img.sha256);
    const profile = await lab.api('POST', '/api/v1/profiles', { name: 'test-image', kernel: 'stage0-env/vmlinuz', initrd: 'stage0-env/initrd.gz', cmdline: 'console=ttyS0,115200 panic=30', image: 'test-image' });
    assert.equal(profile.status, 201, JSON.stringify(profile.body));

    const stat0 = await stage0Cli(lab, ['rpower', m.name, 'stat']);
    assert.equal(stat0.code, 0, stat0.stderr);
    assert.match(stat0.stdout, /node001: off/);
    assert.equal(chassisQemuPid(bmcDir), undefined, 'powered off until stage0 says otherwise');

    // --- rinstall: nodeset + IPMI boot flags (PXE, once, EFI) + chassis power (cycle of an off host = on).
    const t0 = Date.now();
    const ri = await stage0Cli(lab, ['rinstall', m.name, 'osimage=test-image']);
    assert.equal(ri.code, 0, `${ri.stdout}\n${ri.stderr}`);
    assert.match(ri.stdout, /node001: .*nodeset done, network boot once, power cycled/);
    const pid = chassisQemuPid(bmcDir);
    assert.ok(pid, 'ipmi_sim started the machine');
    const vm: VmProcess = { role: `vm:${m.name}`, pid, startTime: 0, log: join(bmcDir, 'qemu.log'), name: m.name, mac: m.mac, uuid: m.uuid, firmware: 'uefi', tap: 'tap0', serialLog, startedAt: new Date(t0).toISOString() };
    const wait = (marker: string) => waitForMarker(serialLog, marker, { timeoutMs: PHASE_MS, vm, sinceMs: t0, failOn: GAVE_UP });
    const installed = await wait(INSTALL_OK_MARKER);
    assert.match(installed.line, new RegExp(`sha256=${img.sha256}`));
    const diskInit = await wait(DISK_BOOTED_MARKER);
    const up = await wait(DISK_UP_OK_MARKER);
    t.diagnostic(`rinstall -> PXE -> image written + verified ${(installed.elapsedMs / 1000).toFixed(1)} s; reboot -> exit -> disk +${((diskInit.elapsedMs - installed.elapsedMs) / 1000).toFixed(1)} s; up +${((up.elapsedMs - diskInit.elapsedMs) / 1000).toFixed(1)} s`);
    const state = (await lab.api('GET', `/api/v1/nodes/${m.name}/boot-state`)).body;
    assert.deepEqual([state.target, state.installStatus], ['boot', 'installed']);

    // --- The BMC reports the real machine: the system on the disk powers itself off after "up" -> stat off;
    // on starts it again (its disk boots: stage0 still says local), off really ends it.
    for (const deadline = Date.now() + 20_000; chassisQemuPid(bmcDir) !== undefined && Date.now() < deadline; ) await sleep(100);
    assert.equal(chassisQemuPid(bmcDir), undefined, 'the installed system powered the machine off');
    const rpower = async (op: string, want: RegExp) => {
      const r = await stage0Cli(lab, ['rpower', m.name, op]);
      assert.equal(r.code, 0, `rpower ${op}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, want);
    };
    await rpower('stat', /node001: off/);
    await rpower('on', /node001: ok/);
    const again = chassisQemuPid(bmcDir);
    assert.ok(again && again !== pid, 'rpower on started the machine again');
    await rpower('stat', /node001: on/);
    await rpower('off', /node001: ok/);
    assert.equal(chassisQemuPid(bmcDir), undefined, 'rpower off ended the QEMU');
    await rpower('stat', /node001: off/);

    const events = ((await lab.api('GET', '/api/v1/events?limit=10000')).body.items as TimelineEvent[])
      .sort((a, b) => a.id - b.id).filter((e) => e.node === m.name || JSON.stringify(e.details).includes(m.mac));
    const has = (kind: string, text: string) => (e: TimelineEvent) => e.kind === kind && JSON.stringify(e.details).includes(text);
    assertSubsequence(events, [
      has('power.rpower', '"result":"off"'), has('boot-state.set', '"cause":"rinstall"'), has('power.rinstall', '"ok":true'),
      ev('dhcp.ack', m.mac, 'snponly.efi'), ev('http.boot-script', m.mac, '"plan":"kernel"'), ev('http.asset', 'stage0-env/initrd.gz'),
      ev('install.started'), ev('install.log', 'sha256 verified'), ev('install.done'),
      ev('http.boot-script', m.mac, '"plan":"local"'), ev('node.up'),
      has('power.rpower', '"result":"off"'), has('power.rpower', '"op":"on"'), has('power.rpower', '"result":"on"'), has('power.rpower', '"op":"off"'), has('power.rpower', '"result":"off"'),
    ], [
      'rpower stat: off', 'boot-state.set (cause rinstall)', 'power.rinstall ok',
      'dhcp.ack (OVMF PXE)', 'http.boot-script install', 'http.asset env initrd',
      'install.started', 'install.log sha256 verified', 'install.done',
      'http.boot-script local (exit to disk)', 'node.up (from the disk)',
      'rpower stat: off (it powered itself off)', 'rpower on', 'rpower stat: on', 'rpower off', 'rpower stat: off',
    ], showEvent);
    const afterDone = events.slice(events.findIndex((e) => e.kind === 'install.done'));
    assert.ok(!afterDone.some((e) => e.kind === 'install.boot' || e.kind === 'install.started'), 'after install-done the installer is never served again');
  });
});
