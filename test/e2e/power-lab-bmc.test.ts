// `lab up --bmc redfish|ipmi` end to end: the VM starts powered off behind its lab BMC (the project's Redfish BMC, or
// OpenIPMI's ipmi_sim); `rinstall` sets its boot state and powers it on through the driver -> BMC -> QEMU; it
// network-boots the profile from stage0; then stat/on/reset/off act on the QEMU process. Everything is read back
// from stage0's node timeline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nsHttp } from '../../src/lab/ns-http.ts';
import type { LabState } from '../../src/lab/lab-state.ts';
import { isRunning } from '../../src/lab/processes.ts';
import { sleep } from '../../src/lab/exec.ts';
import { bmcVms, LAB_BMC_KINDS } from '../../src/lab/lab-bmc.ts';
import type { VmProcess } from '../../src/lab/qemu-vm.ts';
import { labApiHeaders } from '../../src/lab/lab.ts';
import { assertSubsequence, BOOT_TIMEOUT_MS, waitForBoot, withLab } from './support/lab-harness.ts';
import { ev, showEvent, timelineWith, type TimelineEvent } from './support/stage0-timeline.ts';

async function rpower(lab: LabState, node: string, state: string): Promise<{ node: string; ok: boolean; result?: string; error?: string }> {
  const r = await api(lab, 'POST', '/power/rpower', { noderange: node, state });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { items: { node: string; ok: boolean; result?: string; error?: string }[] }).items[0]!;
}

/** The running VM the node's BMC started (QEMU writes its pid file just after it starts), other than `not`. */
async function bmcVm(lab: LabState, not?: VmProcess): Promise<VmProcess> {
  for (const deadline = Date.now() + 10_000; ; await sleep(100)) {
    const vm = bmcVms(lab, new Date().toISOString()).find((v) => isRunning(v) && v.pid !== not?.pid);
    if (vm) return vm;
    assert.ok(Date.now() < deadline, 'the BMC started no VM');
  }
}

async function api(lab: LabState, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await nsHttp(lab.netns, method, `${lab.serverUrl}/api/v1${path}`, body, await labApiHeaders(lab));
  return { status: r.status, body: r.body ? JSON.parse(r.body) : undefined };
}

for (const kind of LAB_BMC_KINDS) test(`lab BMC (${kind}): rinstall (nodeset + network boot once + power on) -> the VM network-boots the profile, powers itself off -> stat off -> on, reset, off act on QEMU; all on the timeline`, { timeout: 2 * BOOT_TIMEOUT_MS + 120_000 }, async (t) => {
  await withLab({ purpose: `bmc-${kind}`, nodes: 1, firmware: 'bios', server: 'stage0', ipv6Ra: true, bmc: kind, startVms: false }, async (lab) => {
    const node = lab.nodes[0]!.name;
    assert.deepEqual(bmcVms(lab, new Date().toISOString()), [], 'powered off until stage0 says otherwise');
    const n = (await api(lab, 'GET', `/nodes/${node}?effective=true`)).body as { effective: Record<string, unknown> };
    assert.equal(n.effective['bmc.driver'], kind);
    assert.equal(n.effective['bmc.address'], lab.serverIp);
    assert.equal(n.effective['bmc.password'], '[redacted]');
    assert.equal((await rpower(lab, node, 'stat')).result, 'off');

    // the profile boots the lab's kernel and initramfs, which call back and power off
    const profile = await api(lab, 'POST', '/profiles', { name: 'test-image', kernel: 'vmlinuz', initrd: 'initrd.gz', cmdline: `console=ttyS0 panic=-1 stage0.callback=${lab.serverUrl}/boot/callback` });
    assert.equal(profile.status, 201, JSON.stringify(profile.body));
    const ri = await api(lab, 'POST', '/power/rinstall', { noderange: node, osimage: 'test-image' });
    assert.equal(ri.status, 200, JSON.stringify(ri.body));
    assert.deepEqual(ri.body.failed, [], JSON.stringify(ri.body));
    const vm = await bmcVm(lab); // rinstall powered the VM on through its lab BMC
    const boot = await waitForBoot(vm);
    t.diagnostic(`lab BMC (${kind}): rinstall -> callback ${boot.seconds} s`);
    // the lab initramfs powers the machine off after its callback: the BMC reports what the machine really did
    for (const deadline = Date.now() + 30_000; isRunning(vm) && Date.now() < deadline; ) await sleep(200);
    assert.equal(isRunning(vm), false, 'the VM powered itself off after its callback');
    const stat = await rpower(lab, node, 'stat');
    assert.deepEqual([stat.ok, stat.result], [true, 'off'], stat.error);

    // on again (a new QEMU), reset keeps that process, off ends it
    assert.equal((await rpower(lab, node, 'on')).ok, true);
    const second = await bmcVm(lab, vm); // power on started a new VM
    assert.equal((await rpower(lab, node, 'stat')).result, 'on');
    assert.equal((await rpower(lab, node, 'reset')).ok, true);
    assert.ok(isRunning(second), 'reset keeps the VM process');
    assert.equal((await rpower(lab, node, 'off')).ok, true);
    assert.equal(isRunning(second), false, 'power off ended QEMU');
    assert.equal((await rpower(lab, node, 'stat')).result, 'off');

    const events = await timelineWith(lab, node, 'boot.callback');
    const has = (kind: string, text: string) => (e: TimelineEvent) => e.kind === kind && JSON.stringify(e.details).includes(text);
    assertSubsequence(events, [
      has('boot-state.set', '"cause":"rinstall"'), has('power.rinstall', '"ok":true'),
      ev('dhcp.ack', vm.mac), ev('http.boot-script', vm.mac), ev('http.asset', 'vmlinuz'), ev('boot.callback', vm.mac),
      has('power.rpower', '"result":"off"'), has('power.rpower', '"op":"on"'), has('power.rpower', '"op":"reset"'), has('power.rpower', '"op":"off"'),
    ], ['nodeset (cause rinstall)', 'power.rinstall ok', 'dhcp.ack', 'http.boot-script', 'http.asset vmlinuz', 'boot.callback', 'stat: off', 'power on', 'power reset', 'power off'], showEvent);
  });
});
