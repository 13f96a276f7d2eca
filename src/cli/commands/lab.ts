// `stage0 lab up|status|down`: a throwaway network-boot lab (namespace, bridge, stage0 or dnsmasq, QEMU VMs).
import { InvalidArgumentError, type Command } from 'commander';
import { CliError } from '../api-client.ts';
import { labUp } from '../../lab/lab.ts';
import { labDown, labDownAll, labHealth, type LabHealth } from '../../lab/lab-down.ts';
import type { LabServer } from '../../lab/lab-state.ts';
import { waitForMarker, type Firmware } from '../../lab/qemu-vm.ts';
import { CALLBACK_OK_MARKER } from '../../lab/initramfs-scripts.ts';
import { BMC_BASE_PORT, LAB_BMC_KINDS, type LabBmcKind } from '../../lab/lab-bmc.ts';
import { IPMI_BASE_PORT } from '../../lab/lab-ipmi-bmc.ts';

/** Where labs live unless --root says otherwise: cache/ (kernel .deb), assets/, labs/<name>/. */
export const DEFAULT_LAB_ROOT = '/var/tmp/stage0-lab';

/** Commander turns InvalidArgumentError (only that) into a one-line usage error with exit code 2. */
function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')}`);
    return value as T;
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError('--nodes must be an integer 1..50');
  return n;
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('the lab needs root (network namespaces, tap devices): run with sudo');
}

/** A lab as `status --json` prints it. */
function describe(h: LabHealth) {
  const s = h.state;
  return {
    name: s.name, netns: s.netns, netnsExists: h.netnsExists, stale: h.stale, server: s.server, serverUrl: s.serverUrl,
    firmware: s.firmware, dir: s.dir, serverLog: s.serverLog, httpLog: s.httpLog, configFile: s.configFile,
    processes: s.processes.map((p) => ({ role: p.role, pid: p.pid, running: h.running.find((r) => r.pid === p.pid)?.running ?? false, log: p.log })),
    vms: s.vms.map((v) => ({ name: v.name, mac: v.mac, uuid: v.uuid, pid: v.pid, running: h.running.find((r) => r.pid === v.pid)?.running ?? false, serialLog: v.serialLog })),
  };
}

/** One-line message and exit code 1 through runCli (a stack trace helps nobody when, say, QEMU is missing). */
const fail = (err: unknown): never => {
  throw new CliError(`lab: ${err instanceof Error ? err.message : String(err)}`, 1);
};

/** Adds `lab up`, `lab status` and `lab down` to the program (the caller must use parseAsync). */
export function registerLabCommands(program: Command): void {
  const lab = program.command('lab').description('network-boot lab: namespace + bridge, a boot server, QEMU VMs (root only)');
  const root = (o: { root?: string }) => o.root ?? process.env.STAGE0_LAB_ROOT ?? DEFAULT_LAB_ROOT;

  lab.command('up')
    .description('create a namespace with a bridge, start the boot server and N network-booting VMs')
    .requiredOption('--nodes <n>', 'number of VMs (1..50)', positiveInt)
    .option('--firmware <fw>', 'bios (SeaBIOS + iPXE ROM), uefi (OVMF native PXE) or uefi-http (OVMF UEFI HTTP boot only)', oneOf('--firmware', ['bios', 'uefi', 'uefi-http'] as const), 'bios')
    .option('--name <name>', 'lab name (namespace s0lab-<name>)')
    .option('--server <server>', 'stage0, or the dnsmasq baseline', oneOf('--server', ['stage0', 'dnsmasq'] as const), 'stage0')
    .option('--dhcp-mode <mode>', 'stage0 DHCP mode', oneOf('--dhcp-mode', ['authoritative', 'proxy'] as const), 'authoritative')
    .option('--ipv6-ra', 'send IPv6 router advertisements (saves iPXE ~13 s of IPv6 autoconf)', false)
    .option('--ra-helper', 'stage0 server: run dnsmasq as an RA-only sender beside it (fair comparisons while stage0 sends no RAs)', false)
    .option('--bmc <kind>', 'give every VM a BMC (redfish: HTTPS on the server address, port 8443+i; ipmi: ipmi_sim, RMCP+ on UDP port 623+i) and power the VMs on through stage0', oneOf('--bmc', LAB_BMC_KINDS))
    .option('--wait', 'wait until every VM has called back (240 s at most) and print the boot times', false)
    .option('--root <dir>', `lab root (default $STAGE0_LAB_ROOT or ${DEFAULT_LAB_ROOT})`)
    .action(async (o: { nodes: number; firmware: Firmware; name?: string; server: LabServer; dhcpMode: 'authoritative' | 'proxy'; ipv6Ra: boolean; raHelper: boolean; wait: boolean; root?: string; bmc?: LabBmcKind }) => {
      try {
        requireRoot();
        const s = await labUp({ root: root(o), nodes: o.nodes, firmware: o.firmware, name: o.name, server: o.server, dhcpMode: o.dhcpMode, ipv6Ra: o.ipv6Ra, raHelper: o.raHelper, ...(o.bmc && { bmc: o.bmc }) });
        process.stdout.write(`lab ${s.name}: namespace ${s.netns}, ${s.server} at ${s.serverUrl} (inside the namespace), log ${s.serverLog}\n`);
        for (const v of s.vms) process.stdout.write(`  ${v.name} ${v.mac} ${v.firmware} pid ${v.pid} serial ${v.serialLog}\n`);
        if (o.bmc) process.stdout.write(`BMCs: ${o.bmc === 'ipmi' ? `IPMI (lanplus) at ${s.serverIp} UDP port ${IPMI_BASE_PORT}+i` : `Redfish at https://${s.serverIp}:${BMC_BASE_PORT}+i`}; power them from inside the namespace: ip netns exec ${s.netns} stage0 --url ${s.serverUrl} rpower all stat\n`);
        process.stdout.write(`VMs print ${CALLBACK_OK_MARKER} on their serial console once booted. Undo: stage0 lab down --name ${s.name}\n`);
        if (o.wait) {
          const seen = await Promise.allSettled(
            s.vms.map((v) => waitForMarker(v.serialLog, CALLBACK_OK_MARKER, { timeoutMs: 240_000, vm: v, sinceMs: Date.parse(v.startedAt) })),
          );
          seen.forEach((r, i) => {
            const what = r.status === 'fulfilled' ? `called back after ${(r.value.elapsedMs / 1000).toFixed(1)} s` : `FAILED: ${(r.reason as Error).message}`;
            process.stdout.write(`  ${s.vms[i]!.name} ${what}\n`);
          });
          if (seen.some((r) => r.status === 'rejected')) throw new Error('not every VM called back');
        }
      } catch (err) {
        fail(err);
      }
    });

  lab.command('status')
    .description('labs, their VMs (MAC, PID, serial log) and server URL; stale leftovers of crashed runs')
    .option('--json', 'machine-readable output', false)
    .option('--root <dir>', 'lab root')
    .action(async (o: { json: boolean; root?: string }) => {
      try {
        const { labs, orphanNetns } = await labHealth(root(o));
        if (o.json) return void process.stdout.write(JSON.stringify({ labs: labs.map(describe), orphanNetns }, null, 2) + '\n');
        if (labs.length === 0 && orphanNetns.length === 0) process.stdout.write('no labs\n');
        for (const l of labs.map(describe)) {
          process.stdout.write(`${l.name}${l.stale ? ' (STALE: stage0 lab down --name ' + l.name + ')' : ''}: ${l.netns}, ${l.server} ${l.serverUrl}, ${l.firmware}\n`);
          for (const p of l.processes) process.stdout.write(`  ${p.role.padEnd(8)} pid ${p.pid} ${p.running ? 'running' : 'exited'}  ${p.log}\n`);
          for (const v of l.vms) process.stdout.write(`  ${v.name.padEnd(8)} pid ${v.pid} ${v.running ? 'running' : 'exited'}  ${v.mac}  ${v.serialLog}\n`);
        }
        for (const ns of orphanNetns) process.stdout.write(`orphan namespace ${ns} (no lab state; stage0 lab down --all removes it)\n`);
      } catch (err) {
        fail(err);
      }
    });

  lab.command('down')
    .description('stop a lab (processes by PID, namespace, files); --all also removes stale s0lab-* namespaces')
    .option('--name <name>', 'the lab to remove')
    .option('--all', 'every lab and every stale s0lab-* namespace', false)
    .option('--root <dir>', 'lab root')
    .action(async (o: { name?: string; all: boolean; root?: string }) => {
      try {
        requireRoot();
        if (!o.all && !o.name) throw new Error('say which lab: --name <name> or --all');
        const removed = o.all ? await labDownAll(root(o)) : (await labDown(root(o), o.name!), [o.name!]);
        process.stdout.write(removed.length ? `removed ${removed.join(', ')}\n` : 'nothing to remove\n');
      } catch (err) {
        fail(err);
      }
    });
}
