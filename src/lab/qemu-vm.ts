// QEMU machines that network-boot inside a lab namespace: BIOS (SeaBIOS + virtio-net's iPXE ROM) or UEFI (OVMF native PXE).
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './exec.ts';
import { isRunning, spawnDetached, stopProcesses, type LabProcess } from './processes.ts';

/** bios: SeaBIOS + virtio-net's iPXE ROM; uefi: OVMF's own PXE (DHCP arch 7 + TFTP); uefi-http: OVMF's UEFI HTTP boot
 * only (arch 16, the NBP by URL), its PXE turned off through fw_cfg as FIRMWARE-NOTES.md describes. */
export type Firmware = 'bios' | 'uefi' | 'uefi-http';
export const isUefi = (f: Firmware): boolean => f !== 'bios';

export const QEMU = 'qemu-system-x86_64';
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
/**
 * The virtio-net option ROM for BIOS guests: iPXE (Debian package ipxe-qemu; the efi- ROM holds both the legacy
 * and the EFI image). virtio-net, not e1000: Debian's cloud kernel flavour — the only kernel package some offline
 * machines have — carries no e1000 driver, and every lab VM's Linux must find its NIC.
 */
export const VIRTIO_NET_ROM = '/usr/lib/ipxe/qemu/efi-virtio.rom';

export interface VmSpec {
  name: string;
  netns: string;
  tap: string;
  mac: string;
  firmware: Firmware;
  /** Directory for this VM's serial log, QEMU log and OVMF variable store. */
  dir: string;
  memMiB?: number;
  /** Default from QEMU's: a fresh random one, since all-zero UUIDs would make every VM share one DUID / option 97. */
  uuid?: string;
}

export interface VmProcess extends LabProcess {
  name: string;
  mac: string;
  uuid: string;
  firmware: Firmware;
  tap: string;
  serialLog: string;
  /** ISO time QEMU was started: boot durations are measured from here. */
  startedAt: string;
}

/** 52:54:00 (QEMU's OUI) + three bytes derived from a lab seed and the VM index: unique per lab and VM. */
export function vmMac(seed: number, index: number): string {
  const b = [(seed >> 8) & 0xff, seed & 0xff, index & 0xff];
  return ['52', '54', '00', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

/** Fails with the Debian package to install for each missing program or firmware file. */
export function requireQemu(firmware: Firmware): void {
  const missing: string[] = [];
  const onPath = (bin: string) => (process.env.PATH ?? '/usr/bin').split(':').some((d) => existsSync(join(d, bin)));
  if (!onPath(QEMU)) missing.push(`${QEMU} (apt-get install qemu-system-x86)`);
  if (firmware === 'bios' && !existsSync(VIRTIO_NET_ROM)) missing.push(`${VIRTIO_NET_ROM} (apt-get install ipxe-qemu)`);
  if (isUefi(firmware) && !(existsSync(OVMF_CODE) && existsSync(OVMF_VARS))) missing.push(`${OVMF_CODE} (apt-get install ovmf)`);
  if (!existsSync('/dev/net/tun')) missing.push('/dev/net/tun (modprobe tun)');
  if (missing.length) throw new Error(`lab VM cannot start, missing: ${missing.join('; ')}`);
}

/**
 * The QEMU command line. TCG (no KVM needed), no display, serial console to a plain file.
 * BIOS: SeaBIOS has no PXE of its own; the virtio-net ROM is iPXE, so DHCP comes with user class "iPXE" at once.
 * UEFI: virtio-net with `romfile=` (no iPXE ROM) so OVMF's own PXE does DHCP (arch 7) + TFTP, like real
 * hardware; bootindex=1 or OVMF tries other devices first. -no-reboot: `poweroff -f` or a panic ends QEMU.
 */
export function qemuArgs(spec: VmSpec & { uuid: string; serialLog: string; varsFile: string }): string[] {
  const args = ['-name', spec.name, '-machine', 'pc,accel=tcg,graphics=off', '-m', String(spec.memMiB ?? 512), '-smp', '1'];
  args.push('-nodefaults', '-display', 'none', '-vga', 'none', '-no-reboot', '-uuid', spec.uuid);
  args.push('-serial', `file:${spec.serialLog}`, '-monitor', 'none');
  args.push('-netdev', `tap,id=n0,ifname=${spec.tap},script=no,downscript=no`);
  if (isUefi(spec.firmware)) {
    args.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`);
    args.push('-drive', `if=pflash,format=raw,unit=1,file=${spec.varsFile}`);
    args.push('-device', `virtio-net-pci,netdev=n0,mac=${spec.mac},romfile=,bootindex=1`);
    // OVMF's boot options for the NIC are PXEv4, PXEv6, HTTPv4, HTTPv6 in that order: without PXE, HTTPv4 is first.
    if (spec.firmware === 'uefi-http') for (const v of ['IPv4', 'IPv6']) args.push('-fw_cfg', `name=opt/org.tianocore/${v}PXESupport,string=no`);
  } else {
    // QEMU's default romfile (VIRTIO_NET_ROM, found on its firmware path): naming the same file as romfile=<path>
    // left SeaBIOS without a network boot entry ("No bootable device"), seen with QEMU 7.2 / ipxe-qemu 1.0.0+git-20190125.
    args.push('-boot', 'n', '-device', `virtio-net-pci,netdev=n0,mac=${spec.mac}`);
  }
  return args;
}

/** Starts the VM inside its namespace (`ip netns exec` execs QEMU, so the PID is QEMU's). */
export function startVm(spec: VmSpec): VmProcess {
  requireQemu(spec.firmware);
  const uuid = spec.uuid ?? randomUUID();
  const serialLog = join(spec.dir, `${spec.name}.serial.log`);
  const varsFile = join(spec.dir, `${spec.name}.OVMF_VARS.fd`);
  if (isUefi(spec.firmware)) copyFileSync(OVMF_VARS, varsFile); // each VM writes its own NVRAM
  const args = qemuArgs({ ...spec, uuid, serialLog, varsFile });
  const startedAt = new Date().toISOString();
  const proc = spawnDetached(`vm:${spec.name}`, 'ip', ['netns', 'exec', spec.netns, QEMU, ...args], join(spec.dir, `${spec.name}.qemu.log`));
  return { ...proc, name: spec.name, mac: spec.mac, uuid, firmware: spec.firmware, tap: spec.tap, serialLog, startedAt };
}

/** Stops the VM (SIGTERM: QEMU exits at once; SIGKILL after a grace period). */
export function stopVm(vm: VmProcess): Promise<void> {
  return stopProcesses([vm], 2000);
}

export interface MarkerSeen {
  line: string;
  elapsedMs: number;
}

/**
 * Polls the serial log until a line contains `marker`. Rejects on timeout, when the VM (if given) has
 * exited without printing it, or when a line matches `failOn` (firmware that gave up will never print it).
 */
/** Serial-console lines after which a lab VM will never call back: no boot device left, panic, failed callback. */
export const BOOT_GAVE_UP = /No bootable device|No bootable option or device was found|Kernel panic|STAGE0-CALLBACK-FAILED/;

export async function waitForMarker(
  serialLog: string,
  marker: string,
  opts: { timeoutMs: number; vm?: LabProcess; sinceMs?: number; failOn?: RegExp },
): Promise<MarkerSeen> {
  const t0 = opts.sinceMs ?? Date.now();
  const lines = (): string[] => (existsSync(serialLog) ? readFileSync(serialLog, 'latin1') : '').split(/\r?\n/);
  const find = (): string | undefined => lines().find((l) => l.includes(marker));
  while (Date.now() - t0 < opts.timeoutMs) {
    const line = find();
    if (line !== undefined) return { line: line.trim(), elapsedMs: Date.now() - t0 };
    const failed = opts.failOn && lines().find((l) => opts.failOn!.test(l));
    if (failed) throw new Error(`VM gave up (${failed.trim()}) after ${Math.round((Date.now() - t0) / 1000)} s (serial log ${serialLog})`);
    if (opts.vm && !isRunning(opts.vm)) {
      const late = find();
      if (late !== undefined) return { line: late.trim(), elapsedMs: Date.now() - t0 };
      throw new Error(`VM exited without printing ${marker} (serial log ${serialLog})`);
    }
    await sleep(250);
  }
  throw new Error(`no ${marker} in ${serialLog} after ${Math.round(opts.timeoutMs / 1000)} s`);
}
