// stage0 end to end, UEFI HTTP boot: OVMF with its PXE turned off asks DHCP as an HTTPClient (arch 16) -> the NBP by
// URL over HTTP (no TFTP at all) -> iPXE -> HTTP boot script -> assets -> initramfs callback. What a UEFI machine
// on a network without TFTP does; the order is checked on the node's timeline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSubsequence, BOOT_TIMEOUT_MS, waitForBoot, withLab } from './support/lab-harness.ts';
import { ev, showEvent, timelineWith } from './support/stage0-timeline.ts';

test('UEFI HTTP boot VM: dhcp (HTTPClient, snponly.efi URL) -> http snponly.efi -> dhcp (iPXE) -> http script -> assets -> callback, no TFTP', { timeout: BOOT_TIMEOUT_MS + 90_000 }, async (t) => {
  await withLab({ purpose: 'suefih', nodes: 1, firmware: 'uefi-http', server: 'stage0', ipv6Ra: true }, async (lab) => {
    const vm = lab.vms[0]!;
    const boot = await waitForBoot(vm);
    t.diagnostic(`stage0 UEFI HTTP boot: QEMU start -> callback ${boot.seconds} s`);
    const events = await timelineWith(lab, lab.nodes[0]!.name, 'boot.callback');
    assertSubsequence(events, [
      ev('dhcp.ack', vm.mac, '/boot/ipxe/snponly.efi'), ev('http.asset', 'snponly.efi'), ev('dhcp.ack', vm.mac, '/boot.ipxe'),
      ev('http.boot-script', vm.mac), ev('http.asset', 'vmlinuz'), ev('http.asset', 'initrd.gz'), ev('boot.callback', vm.mac, '"status":"up"'),
    ], ['dhcp.ack (arch 16, snponly.efi URL)', 'http.asset snponly.efi', 'dhcp.ack (iPXE, boot.ipxe URL)', 'http.boot-script', 'http.asset vmlinuz', 'http.asset initrd.gz', 'boot.callback up'], showEvent);
    assert.deepEqual(events.filter((e) => e.kind === 'tftp.transfer').map(showEvent), [], 'HTTP boot needs no TFTP');
  });
});
