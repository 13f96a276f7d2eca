// The harness proven on the dnsmasq baseline: real QEMU VMs (BIOS and UEFI) network-boot to the initramfs callback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertSubsequence, BOOT_TIMEOUT_MS, waitForBoot, withLab } from './support/lab-harness.ts';
import { dnsmasqAcks, dnsmasqTftpSent, httpLog } from './support/baseline-logs.ts';
import type { HttpLogLine } from '../../src/lab/baseline-http-server.ts';

const show = (l: HttpLogLine) => `${l.time} ${l.remote} ${l.method} ${l.url} ${l.status}`;
const req = (ip: string, path: RegExp) => (l: HttpLogLine) => l.remote === ip && l.method === 'GET' && path.test(l.url) && l.status === 200;

test('BIOS VM (SeaBIOS, virtio-net iPXE ROM) boots from dnsmasq + HTTP to the initramfs callback', { timeout: BOOT_TIMEOUT_MS + 60_000 }, async (t) => {
  await withLab({ purpose: 'bbios', nodes: 1, firmware: 'bios', server: 'dnsmasq' }, async (lab) => {
    const vm = lab.vms[0]!;
    const boot = await waitForBoot(vm);
    t.diagnostic(`BIOS baseline: QEMU start -> callback ${boot.seconds} s`);
    const ips = dnsmasqAcks(lab.serverLog, vm.mac);
    assert.ok(ips.length >= 2, `expected DHCPACKs for iPXE and udhcpc, got ${ips.join(', ')}`);
    const ip = ips.at(-1)!;
    assert.match(ip, new RegExp(`^10\\.99\\.${lab.subnet}\\.(1\\d\\d)$`));
    assertSubsequence(httpLog(lab), [
      req(ip, /^\/boot\.ipxe$/), req(ip, /^\/boot\/assets\/vmlinuz$/), req(ip, /^\/boot\/assets\/initrd\.gz$/),
      req(ip, new RegExp(`^/boot/callback\\?mac=${vm.mac}&status=up$`)),
    ], ['boot.ipxe', 'vmlinuz', 'initrd.gz', 'callback'], show);
    // SeaBIOS has no PXE: the virtio-net ROM is iPXE from the start, so nothing comes over TFTP.
    assert.deepEqual(dnsmasqTftpSent(lab.serverLog, ip), []);
    assert.match(readFileSync(vm.serialLog, 'latin1'), /iPXE/);
  });
});

test('UEFI VM (OVMF native PXE) boots: DHCP arch 7 -> TFTP snponly.efi -> iPXE DHCP -> HTTP -> callback', { timeout: BOOT_TIMEOUT_MS + 60_000 }, async (t) => {
  await withLab({ purpose: 'buefi', nodes: 1, firmware: 'uefi', server: 'dnsmasq' }, async (lab) => {
    const vm = lab.vms[0]!;
    const boot = await waitForBoot(vm);
    t.diagnostic(`UEFI baseline: QEMU start -> callback ${boot.seconds} s`);
    const log = readFileSync(lab.serverLog, 'utf8');
    assert.match(log, /vendor class: PXEClient:Arch:00007/, 'OVMF PXE (arch 7) never asked');
    const ip = dnsmasqAcks(lab.serverLog, vm.mac).at(-1)!;
    const sent = dnsmasqTftpSent(lab.serverLog, ip);
    assert.ok(sent.some((f) => f.endsWith('/snponly.efi')), `TFTP sent: ${sent.join(', ')}`);
    assertSubsequence(httpLog(lab), [
      req(ip, /^\/boot\.ipxe$/), req(ip, /^\/boot\/assets\/vmlinuz$/), req(ip, /^\/boot\/assets\/initrd\.gz$/),
      req(ip, new RegExp(`^/boot/callback\\?mac=${vm.mac}&status=up$`)),
    ], ['boot.ipxe', 'vmlinuz', 'initrd.gz', 'callback'], show);
    assert.match(readFileSync(vm.serialLog, 'latin1'), /PXE/);
  });
});
