// stage0 end to end, UEFI: OVMF's own PXE (arch 7) -> TFTP snponly.efi -> iPXE -> HTTP -> initramfs callback.
import { test } from 'node:test';
import { assertSubsequence, BOOT_TIMEOUT_MS, waitForBoot, withLab } from './support/lab-harness.ts';
import { ev, showEvent, timelineWith } from './support/stage0-timeline.ts';

test('UEFI VM: dhcp (snponly.efi) -> tftp snponly.efi -> dhcp (iPXE) -> http script -> assets -> callback', { timeout: BOOT_TIMEOUT_MS + 90_000 }, async (t) => {
  await withLab({ purpose: 'suefi', nodes: 1, firmware: 'uefi', server: 'stage0' }, async (lab) => {
    const vm = lab.vms[0]!;
    const boot = await waitForBoot(vm);
    t.diagnostic(`stage0 UEFI: QEMU start -> callback ${boot.seconds} s`);
    const events = await timelineWith(lab, lab.nodes[0]!.name, 'boot.callback');
    assertSubsequence(events, [
      ev('dhcp.ack', vm.mac, 'snponly.efi'), ev('tftp.transfer', 'snponly.efi'), ev('dhcp.ack', vm.mac, '/boot.ipxe'),
      ev('http.boot-script', vm.mac), ev('http.asset', 'vmlinuz'), ev('http.asset', 'initrd.gz'), ev('boot.callback', vm.mac, '"status":"up"'),
    ], ['dhcp.ack (arch 7, snponly.efi)', 'tftp.transfer snponly.efi', 'dhcp.ack (iPXE, boot.ipxe URL)', 'http.boot-script', 'http.asset vmlinuz', 'http.asset initrd.gz', 'boot.callback up'], showEvent);
  });
});
