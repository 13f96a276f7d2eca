// stage0 in ProxyDHCP mode: another DHCP server (dnsmasq, own namespace on the bridge) gives addresses, stage0 only boot info.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { dnsmasqArgs } from '../../src/lab/dnsmasq-args.ts';
import { labAttachNetns, labSpawn, startLabVms } from '../../src/lab/lab.ts';
import type { LabState } from '../../src/lab/lab-state.ts';
import type { Firmware, VmProcess } from '../../src/lab/qemu-vm.ts';
import { waitForUdpPort } from '../../src/lab/ns-http.ts';
import { isRunning } from '../../src/lab/processes.ts';
import { dnsmasqAcks } from './support/baseline-logs.ts';
import { assertSubsequence, BOOT_TIMEOUT_MS, E2E_LAB_ROOT, waitForBoot, withLab } from './support/lab-harness.ts';
import { ev, showEvent, timelineWith } from './support/stage0-timeline.ts';

/**
 * A lab whose stage0 runs in proxy mode, a foreign dnsmasq (pool .50-.99) in its own namespace on the bridge, and one
 * VM booted to its callback; `body` gets the lab, the VM, the addresses dnsmasq ACKed to it and the subnet prefix.
 */
async function withProxyLab(t: TestContext, purpose: string, firmware: Firmware, body: (x: { lab: LabState; vm: VmProcess; ips: string[]; net: string }) => Promise<void>): Promise<void> {
  await withLab({ purpose, nodes: 1, firmware, server: 'stage0', dhcpMode: 'proxy', startVms: false }, async (lab) => {
    const net = `10.99.${lab.subnet}`;
    const peer = await labAttachNetns(E2E_LAB_ROOT, lab, 'dhcp', 'eth0', `${net}.2/24`);
    const foreign = labSpawn(E2E_LAB_ROOT, lab, 'foreign-dnsmasq', peer, 'dnsmasq', dnsmasqArgs({ iface: 'eth0', range: [`${net}.50`, `${net}.99`], leaseFile: `${lab.dir}/foreign.leases` }));
    await waitForUdpPort(peer, 67, 15_000, () => isRunning(foreign));
    const vm = (await startLabVms(E2E_LAB_ROOT, lab)).vms[0]!;
    const boot = await waitForBoot(vm);
    t.diagnostic(`stage0 proxy (${firmware}): QEMU start -> callback ${boot.seconds} s`);
    const ips = dnsmasqAcks(foreign.log, vm.mac);
    for (const ip of ips) assert.match(ip, new RegExp(`^${net.replace(/\./g, '\\.')}\\.([5-9]\\d)$`));
    await body({ lab, vm, ips, net });
  });
}

test('proxy: addresses from the foreign dnsmasq (.50-.99), boot script and assets from stage0, VM calls back', { timeout: BOOT_TIMEOUT_MS + 90_000 }, async (t) => {
  await withProxyLab(t, 'sproxy', 'bios', async ({ lab, vm, ips }) => {

    assert.ok(ips.length >= 2, `foreign dnsmasq should have acked iPXE and udhcpc, got ${ips.join(', ')}`);
    const events = await timelineWith(lab, lab.nodes[0]!.name, 'boot.callback');
    assertSubsequence(events, [
      (e) => e.kind.startsWith('dhcp.') && JSON.stringify(e.details).includes('/boot.ipxe'),
      ev('http.boot-script', vm.mac), ev('http.asset', 'vmlinuz'), ev('http.asset', 'initrd.gz'), ev('boot.callback', vm.mac, ips.at(-1)!),
    ], ['proxy dhcp reply with boot.ipxe URL', 'http.boot-script', 'http.asset vmlinuz', 'http.asset initrd.gz', 'boot.callback from the foreign address'], showEvent);
    // stage0 must never hand out an address in proxy mode.
    for (const e of events.filter((x) => x.kind.startsWith('dhcp.'))) assert.equal(e.details.ip ?? null, null, `stage0 assigned an address: ${showEvent(e)}`);
  });
});

test('proxy, UEFI HTTP boot: the address from the foreign dnsmasq, the snponly.efi URL from stage0 (arch 16, HTTPClient), then iPXE, script, assets, callback', { timeout: BOOT_TIMEOUT_MS + 90_000 }, async (t) => {
  await withProxyLab(t, 'sproxyh', 'uefi-http', async ({ lab, vm, ips }) => {
    assert.ok(ips.length >= 2, `foreign dnsmasq should have acked the firmware and udhcpc, got ${ips.join(', ')}`);
    const events = await timelineWith(lab, lab.nodes[0]!.name, 'boot.callback');
    assertSubsequence(events, [
      (e) => e.kind.startsWith('dhcp.') && JSON.stringify(e.details).includes('/boot/ipxe/snponly.efi'),
      (e) => e.kind.startsWith('dhcp.') && JSON.stringify(e.details).includes('/boot.ipxe'),
      ev('http.boot-script', vm.mac), ev('http.asset', 'vmlinuz'), ev('http.asset', 'initrd.gz'), ev('boot.callback', vm.mac, ips.at(-1)!),
    ], ['proxy reply with the snponly.efi URL', 'proxy reply with boot.ipxe URL', 'http.boot-script', 'http.asset vmlinuz', 'http.asset initrd.gz', 'boot.callback from the foreign address'], showEvent);
    for (const e of events.filter((x) => x.kind.startsWith('dhcp.'))) assert.equal(e.details.ip ?? null, null, `stage0 assigned an address: ${showEvent(e)}`);
    assert.deepEqual(events.filter((e) => e.kind === 'tftp.transfer').map(showEvent), [], 'HTTP boot needs no TFTP');
  });
});
