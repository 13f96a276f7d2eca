// `lab up --bmc redfish` end to end: the VM starts powered off behind its lab Redfish BMC; stage0 powers it on
// (rpower through the Redfish driver -> BMC -> QEMU), it network-boots from stage0, and stat/on/reset/off act on it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nsHttp } from '../../src/lab/ns-http.ts';
import type { LabState } from '../../src/lab/lab-state.ts';
import { isRunning } from '../../src/lab/processes.ts';
import { sleep } from '../../src/lab/exec.ts';
import { bmcVms } from '../../src/lab/lab-bmc.ts';
import { assertSubsequence, BOOT_TIMEOUT_MS, waitForBoot, withLab } from './support/lab-harness.ts';
import { ev, showEvent, timelineWith } from './support/stage0-timeline.ts';

async function rpower(lab: LabState, node: string, state: string): Promise<{ node: string; ok: boolean; result?: string; error?: string }> {
  const r = await nsHttp(lab.netns, 'POST', `${lab.serverUrl}/api/v1/power/rpower`, { noderange: node, state });
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { items: { node: string; ok: boolean; result?: string; error?: string }[] }).items[0]!;
}

test('lab BMC: stage0 rpower on -> VM network-boots, powers itself off -> stat off -> on, reset, off act on QEMU; all on the timeline', { timeout: 2 * BOOT_TIMEOUT_MS + 120_000 }, async (t) => {
  await withLab({ purpose: 'bmc', nodes: 1, firmware: 'bios', server: 'stage0', ipv6Ra: true, bmc: 'redfish' }, async (lab) => {
    const node = lab.nodes[0]!.name;
    const vm = lab.vms[0]!;
    assert.ok(vm && isRunning(vm), 'rpower on through the lab BMC started QEMU');
    const n = JSON.parse((await nsHttp(lab.netns, 'GET', `${lab.serverUrl}/api/v1/nodes/${node}?effective=true`)).body) as { effective: Record<string, unknown> };
    assert.equal(n.effective['bmc.driver'], 'redfish');
    assert.equal(n.effective['bmc.address'], lab.serverIp);
    assert.equal(n.effective['bmc.password'], '[redacted]');

    const boot = await waitForBoot(vm);
    t.diagnostic(`lab BMC: rpower on -> callback ${boot.seconds} s`);
    // the lab initramfs powers the machine off after its callback: the BMC reports what the machine really did
    for (const deadline = Date.now() + 30_000; isRunning(vm) && Date.now() < deadline; ) await sleep(200);
    assert.equal(isRunning(vm), false, 'the VM powered itself off after its callback');
    const stat = await rpower(lab, node, 'stat');
    assert.deepEqual([stat.ok, stat.result], [true, 'off'], stat.error);

    // on again (a new QEMU), reset keeps that process, off ends it
    assert.equal((await rpower(lab, node, 'on')).ok, true);
    const second = bmcVms(lab, new Date().toISOString())[0]!;
    assert.ok(second.pid !== vm.pid && isRunning(second), 'power on started a new VM');
    assert.equal((await rpower(lab, node, 'stat')).result, 'on');
    assert.equal((await rpower(lab, node, 'reset')).ok, true);
    assert.ok(isRunning(second), 'reset keeps the VM process');
    assert.equal((await rpower(lab, node, 'off')).ok, true);
    assert.equal(isRunning(second), false, 'ForceOff ended QEMU');
    assert.equal((await rpower(lab, node, 'stat')).result, 'off');

    const events = await timelineWith(lab, node, 'boot.callback');
    assertSubsequence(events, [
      (e) => e.kind === 'power.rpower' && JSON.stringify(e.details).includes('"op":"on"'),
      ev('dhcp.ack', vm.mac), ev('http.boot-script', vm.mac), ev('boot.callback', vm.mac),
      (e) => e.kind === 'power.rpower' && JSON.stringify(e.details).includes('"result":"off"'),
      (e) => e.kind === 'power.rpower' && JSON.stringify(e.details).includes('"op":"on"'),
      (e) => e.kind === 'power.rpower' && JSON.stringify(e.details).includes('"op":"reset"'),
      (e) => e.kind === 'power.rpower' && JSON.stringify(e.details).includes('"op":"off"'),
    ], ['power on', 'dhcp.ack', 'http.boot-script', 'boot.callback', 'stat: off', 'power on', 'power reset', 'power off'], showEvent);
  });
});
