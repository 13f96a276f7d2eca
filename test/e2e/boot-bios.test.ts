// stage0 end to end, BIOS: one QEMU VM (SeaBIOS, virtio-net's iPXE ROM) boots from stage0 to the initramfs callback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSubsequence, BOOT_TIMEOUT_MS, waitForBoot, withLab } from './support/lab-harness.ts';
import { ev, showEvent, timelineWith } from './support/stage0-timeline.ts';

test('BIOS VM (stage0 sends IPv6 RAs): stage0 DHCP -> HTTP boot script -> assets -> callback, in that order on the node timeline', { timeout: BOOT_TIMEOUT_MS + 90_000 }, async (t) => {
  await withLab({ purpose: 'sbios', nodes: 1, firmware: 'bios', server: 'stage0', ipv6Ra: true }, async (lab) => {
    const vm = lab.vms[0]!;
    const node = lab.nodes[0]!.name;
    const boot = await waitForBoot(vm);
    t.diagnostic(`stage0 BIOS: QEMU start -> callback ${boot.seconds} s`);
    const events = await timelineWith(lab, node, 'boot.callback');
    assertSubsequence(events, [
      ev('dhcp.offer', vm.mac), ev('dhcp.ack', vm.mac, '/boot.ipxe'),
      ev('http.boot-script', vm.mac), ev('http.asset', 'vmlinuz'), ev('http.asset', 'initrd.gz'),
      ev('boot.callback', vm.mac, '"status":"up"'),
    ], ['dhcp.offer', 'dhcp.ack (iPXE, boot.ipxe URL)', 'http.boot-script', 'http.asset vmlinuz', 'http.asset initrd.gz', 'boot.callback up'], showEvent);
    // SeaBIOS has no PXE of its own: the iPXE ROM goes straight to HTTP, no TFTP.
    assert.equal(events.filter((e) => e.kind === 'tftp.transfer').length, 0, 'a BIOS VM with the iPXE ROM should not use TFTP');
    const ack = events.find(ev('dhcp.ack', vm.mac))!;
    assert.match(String(ack.details.ip), new RegExp(`^10\\.99\\.${lab.subnet}\\.1\\d\\d$`), 'address from the configured pool');
  });
});
