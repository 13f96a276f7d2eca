// QEMU UEFI machines with a persistent virtio disk for the provisioning tests: power on/off keeps disk and NVRAM,
// each power-on gets its own serial log; optional PXE (OVMF native, as the lab) and in-guest reboots.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { saveLabState, type LabState } from '../../../src/lab/lab-state.ts';
import { OVMF_VARS, QEMU, qemuArgs, type VmProcess } from '../../../src/lab/qemu-vm.ts';
import { spawnDetached } from '../../../src/lab/processes.ts';

export interface DiskMachine {
  name: string;
  mac: string;
  uuid: string;
  /** Raw disk image file; it survives power cycles. */
  disk: string;
  diskSerial: string;
  memMiB: number;
  smp: number;
  /** Power-ons so far (names the serial logs). */
  runs: number;
}

export interface PowerOnOptions {
  /** false: OVMF's PXE is switched off (fw_cfg), the machine boots its disk only. */
  pxe: boolean;
  /** true: a guest reboot restarts the machine in the same QEMU (real reboot); false: it ends QEMU (-no-reboot). */
  reboot: boolean;
  /** Default uefi (OVMF native PXE); bios = SeaBIOS with virtio-net's iPXE ROM, NIC then disk. */
  firmware?: 'uefi' | 'bios';
}

/**
 * The machine's QEMU arguments (after the program) for its next power-on, and that run's serial log. The NIC boots
 * first (bootindex 1), then the disk (bootindex 2); OVMF's EFI shell comes last.
 */
export function diskMachineArgs(state: LabState, m: DiskMachine, o: PowerOnOptions): { args: string[]; serialLog: string } {
  m.runs += 1;
  const firmware = o.firmware ?? 'uefi';
  const varsFile = join(state.dir, `${m.name}.OVMF_VARS.fd`);
  if (firmware === 'uefi' && !existsSync(varsFile)) copyFileSync(OVMF_VARS, varsFile); // NVRAM persists across power cycles, as on a real machine
  const serialLog = join(state.dir, `${m.name}.run${m.runs}.serial.log`);
  const args = qemuArgs({ name: m.name, netns: state.netns, tap: 'tap0', mac: m.mac, firmware, dir: state.dir, memMiB: m.memMiB, uuid: m.uuid, serialLog, varsFile });
  args[args.indexOf('-smp') + 1] = String(m.smp);
  const out = o.reboot ? args.filter((a) => a !== '-no-reboot') : args;
  if (firmware === 'bios') {
    // `-boot n` would make the NIC the only boot device: bootindex puts the disk after it instead.
    out.splice(out.indexOf('-boot'), 2);
    const nic = out.findIndex((a) => a.startsWith('virtio-net-pci,'));
    out[nic] = `${out[nic]!},bootindex=1`;
  }
  if (firmware === 'uefi') {
    // Firmware IPv6 off (iPXE keeps its own): OVMF tries every boot option of the NIC before the disk, and its PXEv6 and
    // HTTPv6 attempts on a link without DHCPv6 cost minutes after iPXE hands back (exit to disk). Seen in QEMU.
    out.push('-fw_cfg', 'name=opt/org.tianocore/IPv6Support,string=no');
    if (!o.pxe) {
      const nic = out.findIndex((a) => a.startsWith('virtio-net-pci,'));
      out[nic] = out[nic]!.replace(',bootindex=1', '');
      out.push('-fw_cfg', 'name=opt/org.tianocore/IPv4PXESupport,string=no');
    }
  } else if (!o.pxe) {
    throw new Error('BIOS machines here always have PXE (the virtio-net iPXE ROM)');
  }
  out.push('-drive', `file=${m.disk},if=none,id=d0,format=raw`, '-device', `virtio-blk-pci,drive=d0,serial=${m.diskSerial},bootindex=2`);
  return { args: out, serialLog };
}

/** Powers the machine on inside the lab namespace on tap0; the process is recorded in the lab state so the lab's teardown stops it. */
export function powerOn(root: string, state: LabState, m: DiskMachine, o: PowerOnOptions): VmProcess {
  const firmware = o.firmware ?? 'uefi';
  const { args, serialLog } = diskMachineArgs(state, m, o);
  const startedAt = new Date().toISOString();
  const p = spawnDetached(`vm:${m.name}:${m.runs}`, 'ip', ['netns', 'exec', state.netns, QEMU, ...args], join(state.dir, `${m.name}.run${m.runs}.qemu.log`));
  const vm: VmProcess = { ...p, name: m.name, mac: m.mac, uuid: m.uuid, firmware, tap: 'tap0', serialLog, startedAt };
  state.vms.push(vm);
  if (!state.nodes.some((n) => n.mac === m.mac)) state.nodes.push({ name: m.name, mac: m.mac, tap: 'tap0' });
  saveLabState(root, state);
  return vm;
}
