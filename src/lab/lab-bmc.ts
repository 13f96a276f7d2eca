// `lab up --bmc redfish|ipmi`: starts the lab BMCs and gives each lab node its bmc.* attributes, so stage0 powers the
// VMs (rpower, rsetboot, rinstall) through Redfish or IPMI the way it powers real servers.
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './exec.ts';
import type { LabState } from './lab-state.ts';
import { REPO_ROOT } from './lab-servers.ts';
import { isRunning, spawnDetached, type LabProcess } from './processes.ts';
import type { LabBmcConfig } from './redfish-bmc-daemon.ts';
import { makeCert } from './redfish-bmc.ts';
import { startLabIpmiBmcs } from './lab-ipmi-bmc.ts';
import { isUefi, OVMF_VARS, qemuArgs, type VmProcess } from './qemu-vm.ts';

export type LabBmcKind = 'redfish' | 'ipmi';
export const LAB_BMC_KINDS: readonly LabBmcKind[] = ['redfish', 'ipmi'];
/** Lab node i's BMC listens on the lab server address, port BMC_BASE_PORT + i. */
export const BMC_BASE_PORT = 8443;
const TSX_LOADER = join(REPO_ROOT, 'node_modules/tsx/dist/esm/index.mjs');

/** A stable SMBIOS UUID per lab node (the BMC restarts QEMU on every power-on: the machine keeps its identity). */
export function labNodeUuid(state: LabState, node: string): string {
  const h = createHash('sha256').update(`${state.name}/${node}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The VM's QEMU line for a BMC-driven machine: the lab's own, without `-boot n` (the BMC's boot override decides;
 * network is the default for these disk-less VMs) and without -no-reboot (a BMC reset must reboot, not exit).
 */
export function bmcMachineArgs(state: LabState, node: LabState['nodes'][number], memMiB?: number): string[] {
  const varsFile = join(state.dir, `${node.name}.OVMF_VARS.fd`);
  if (isUefi(state.firmware) && !existsSync(varsFile)) copyFileSync(OVMF_VARS, varsFile);
  const args = qemuArgs({ name: node.name, netns: state.netns, tap: node.tap, mac: node.mac, firmware: state.firmware, dir: state.dir, memMiB, uuid: labNodeUuid(state, node.name), serialLog: join(state.dir, `${node.name}.serial.log`), varsFile });
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-no-reboot') continue;
    if (args[i] === '-boot') { i++; continue; }
    out.push(args[i]!);
  }
  return [...out, '-pidfile', join(state.dir, `${node.name}.qemu.pid`)];
}

/** Starts the lab BMCs of that kind (recorded as lab processes) and returns each node's bmc.* attributes. */
export async function startLabBmcs(state: LabState, kind: LabBmcKind, record: (p: LabProcess) => void, memMiB?: number): Promise<Map<string, Record<string, string | number | boolean>>> {
  return kind === 'ipmi' ? startLabIpmiBmcs(state, record, (n) => bmcMachineArgs(state, n, memMiB)) : startRedfishDaemon(state, record, memMiB);
}

/** One daemon process serves every node's Redfish BMC. */
async function startRedfishDaemon(state: LabState, record: (p: LabProcess) => void, memMiB?: number): Promise<Map<string, Record<string, string | number | boolean>>> {
  const username = 'admin';
  const password = randomBytes(12).toString('base64url');
  const readyFile = join(state.dir, 'bmc.ready');
  const config: LabBmcConfig = {
    address: state.serverIp, username, password, tls: makeCert(state.dir, [state.serverIp]), readyFile,
    vms: state.nodes.map((n, i) => ({
      name: n.name, port: BMC_BASE_PORT + i, serial: `LAB-${state.name}-${n.name}`, machineArgs: bmcMachineArgs(state, n, memMiB),
      ...(state.firmware === 'bios' && { defaultBoot: 'n' }), logFile: join(state.dir, `${n.name}.qemu.log`),
    })),
  };
  const file = join(state.dir, 'bmc.json');
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  const proc = spawnDetached('bmc', 'ip', ['netns', 'exec', state.netns, process.execPath, '--import', TSX_LOADER, join(REPO_ROOT, 'src/lab/redfish-bmc-daemon.ts'), file], join(state.dir, 'bmc.log'));
  record(proc);
  for (const deadline = Date.now() + 30_000; !existsSync(readyFile); await sleep(100)) {
    if (!isRunning(proc) || Date.now() > deadline) throw new Error(`lab BMC daemon did not come up (log ${join(state.dir, 'bmc.log')}):\n${readFileSync(join(state.dir, 'bmc.log'), 'utf8').slice(-2000)}`);
  }
  return new Map(state.nodes.map((n, i) => [n.name, {
    'bmc.driver': 'redfish', 'bmc.address': state.serverIp, 'bmc.port': BMC_BASE_PORT + i, 'bmc.username': username, 'bmc.password': password,
    'bmc.insecure': true, // the lab BMC's certificate is self-signed
  }]));
}

/** The VMs the BMCs have started (QEMU's -pidfile), as lab VM records: `lab status`, `--wait` and `lab down` see them. */
export function bmcVms(state: LabState, since: string): VmProcess[] {
  return state.nodes.flatMap((n) => {
    const pidFile = join(state.dir, `${n.name}.qemu.pid`);
    if (!existsSync(pidFile)) return [];
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    // A pid file left by a killed QEMU may name a reused pid: only the QEMU started with this pid file counts.
    if (!qemuWithPidFile(pid, pidFile)) return [];
    return [{ role: `vm:${n.name}`, pid, startTime: 0, log: join(state.dir, `${n.name}.qemu.log`), name: n.name, mac: n.mac, uuid: labNodeUuid(state, n.name), firmware: state.firmware, tap: n.tap, serialLog: join(state.dir, `${n.name}.serial.log`), startedAt: since }];
  });
}

function qemuWithPidFile(pid: number, pidFile: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(pidFile);
  } catch {
    return false;
  }
}
