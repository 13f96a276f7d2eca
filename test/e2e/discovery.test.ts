// Discovery end to end: a QEMU machine absent from the inventory PXE-boots stage0 -> provisioning environment ->
// discovery agent reports -> a rule enrolls it as node001 with its real CPU, memory, disk and DMI facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSubsequence, BOOT_TIMEOUT_MS } from './support/lab-harness.ts';
import { withProvisionLab } from './support/provision-lab.ts';
import { waitForMarker } from '../../src/lab/qemu-vm.ts';
import { DISCOVERY_DONE_MARKER } from '../../src/provision-env/env-init-script.ts';
import type { TimelineEvent } from './support/stage0-timeline.ts';
import { sleep } from '../../src/lab/exec.ts';

const UUID = '5ee0c0de-1234-4abc-8def-00000000d15c';
const DISK = { bytes: 3 * 2 ** 30, serial: 'S0DISK-0001' };
const GAVE_UP = /No bootable device|No bootable option or device was found|Kernel panic|STAGE0-DISCOVERY-FAILED/;

test('an unknown BIOS machine boots the provisioning environment, reports its hardware and is enrolled by a rule as node001', { timeout: BOOT_TIMEOUT_MS + 120_000 }, async (t) => {
  await withProvisionLab('disc', 'bios', async (lab) => {
    const rule = await lab.api('POST', '/api/v1/discovery-rules', { name: 'lab-qemu', priority: 10, match: { cpuModel: 'QEMU', minMemoryMiB: 256 }, namePattern: 'node{###}', groups: ['compute', 'lab'] });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const nodesBefore = await lab.api('GET', '/api/v1/nodes');
    assert.equal(nodesBefore.body.items.length, 0, 'the machine must be absent from the inventory');

    const vm = lab.startVm({ name: 'disc0', uuid: UUID, smp: 2, memMiB: 512, smbios: { serial: 'S0-SERIAL-42', manufacturer: 'stage0-lab', product: 'Discovery Box' }, disk: DISK });
    const done = await waitForMarker(vm.serialLog, DISCOVERY_DONE_MARKER, { timeoutMs: BOOT_TIMEOUT_MS, vm, sinceMs: Date.parse(vm.startedAt), failOn: GAVE_UP });
    t.diagnostic(`QEMU start -> discovery reported and done: ${(done.elapsedMs / 1000).toFixed(1)} s (${done.line})`);
    assert.match(done.line, new RegExp(`mac=${vm.mac} action=poweroff`));

    // The facts as recorded in the discovery queue.
    const queue = await lab.api('GET', '/api/v1/discovery');
    const entry = queue.body.items.find((e: { mac: string }) => e.mac === vm.mac);
    assert.ok(entry, `no discovery entry for ${vm.mac}: ${JSON.stringify(queue.body)}`);
    assert.deepEqual([entry.status, entry.node, entry.rule], ['enrolled', 'node001', 'lab-qemu']);
    const f = entry.facts;
    assert.match(f.cpu.model, /QEMU/);
    assert.ok(f.cpu.flags.includes('lm'), 'x86-64 CPU flag lm');
    assert.equal(f.cpu.threads, 2);
    assert.equal(f.cpu.cores * f.cpu.sockets, 2, `2 vCPUs as cores x sockets: ${JSON.stringify(f.cpu)}`);
    assert.equal(f.memory.totalMiB, 512);
    assert.ok(f.memory.usableMiB > 300 && f.memory.usableMiB < 512, `usable memory ${f.memory.usableMiB}`);
    assert.deepEqual(f.disks.map((d: { name: string; sizeBytes: number; serial: string }) => [d.name, d.sizeBytes, d.serial]), [['vda', DISK.bytes, DISK.serial]]);
    assert.deepEqual(f.nics.map((n: { mac: string; driver: string; carrier: boolean }) => [n.mac, n.driver, n.carrier]), [[vm.mac, 'virtio_net', true]]);
    assert.deepEqual(f.dmi, { uuid: UUID, serial: 'S0-SERIAL-42', vendor: 'stage0-lab', product: 'Discovery Box', boardSerial: '' });

    // The node the rule created.
    const node = (await lab.api('GET', '/api/v1/nodes/node001')).body;
    assert.deepEqual([node.macs, node.groups], [[vm.mac], ['compute', 'lab']]);
    for (const [k, v] of Object.entries({ 'hw.cpu.threads': 2, 'hw.memory.mib': 512, 'hw.disk.0.size': DISK.bytes, 'hw.disk.0.serial': DISK.serial, 'hw.dmi.uuid': UUID, 'hw.dmi.serial': 'S0-SERIAL-42', 'hw.nic.0.mac': vm.mac })) {
      assert.equal(node.attrs[k], v, k);
    }

    // The whole story in order: PXE, the environment's assets, its own DHCP, the report, enrollment.
    let events: TimelineEvent[] = [];
    for (let i = 0; i < 30 && !events.some((e) => e.kind === 'discovery.enrolled'); i++) {
      events = [...(await lab.api('GET', '/api/v1/events?limit=1000')).body.items as TimelineEvent[]].sort((a, b) => a.id - b.id);
      await sleep(500);
    }
    const mine = events.filter((e) => e.node === 'node001' || JSON.stringify(e.details).includes(vm.mac));
    const ev = (kind: string, ...texts: string[]) => (e: TimelineEvent) => e.kind === kind && texts.every((x) => JSON.stringify(e.details).includes(x));
    assertSubsequence(mine, [
      ev('dhcp.offer', vm.mac), ev('dhcp.ack', vm.mac, '/boot.ipxe'), ev('http.boot-script', vm.mac),
      ev('http.asset', 'stage0-env/vmlinuz'), ev('http.asset', 'stage0-env/initrd.gz'), ev('dhcp.ack', vm.mac),
      ev('discovery.reported', vm.mac, UUID), (e) => e.kind === 'node.created' && e.node === 'node001', ev('discovery.enrolled', '"rule":"lab-qemu"'),
    ], ['dhcp.offer', 'dhcp.ack (iPXE)', 'http.boot-script', 'http.asset stage0-env/vmlinuz', 'http.asset stage0-env/initrd.gz', 'dhcp.ack (environment)', 'discovery.reported', 'node.created node001', 'discovery.enrolled by rule'],
    (e) => `${e.time} ${e.node ?? '-'} ${e.kind} ${JSON.stringify(e.details)}`);
    const enrolled = mine.find((e) => e.kind === 'discovery.enrolled') as TimelineEvent & { actor: string };
    assert.equal(enrolled.actor, 'rule:lab-qemu');
  });
});
