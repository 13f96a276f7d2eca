// `lab up --bmc ipmi`: one OpenIPMI ipmi_sim per lab VM, inside the lab namespace on the server address (port
// IPMI_BASE_PORT + i), whose chassis is the VM: stage0's IPMI driver powers, resets and redirects it over RMCP+.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './exec.ts';
import { ipmiSimArgs, requireIpmiSim, udpBound, writeChassisControl, writeIpmiSimFiles, type IpmiSimConfig } from './ipmi-sim.ts';
import type { LabState } from './lab-state.ts';
import { isRunning, spawnDetached, type LabProcess } from './processes.ts';

/** Lab node i's IPMI BMC: the lab server address, UDP port IPMI_BASE_PORT + i (623 is IPMI's own port). */
export const IPMI_BASE_PORT = 623;
/** Each VM's HMP monitor (reset), on the namespace's loopback. */
const MONITOR_BASE_PORT = 5550;

/**
 * Starts ipmi_sim for `config` inside `netns` (a lab process: `lab down` stops it) and waits until it listens.
 * The QEMU it starts on power on runs in the same namespace, so a lab tap is reachable.
 */
export async function startNetnsIpmiSim(netns: string, config: IpmiSimConfig, record: (p: LabProcess) => void): Promise<LabProcess> {
  requireIpmiSim();
  writeIpmiSimFiles(config, writeChassisControl(join(config.dir, '..')));
  const log = join(config.dir, 'ipmi_sim.log');
  const proc = spawnDetached(`bmc:${config.name}`, 'ip', ['netns', 'exec', netns, 'ipmi_sim', ...ipmiSimArgs(config.dir)], log);
  record(proc);
  // `ip netns exec` execs ipmi_sim in place: the pid's /proc/<pid>/net/udp is the namespace's table.
  for (const deadline = Date.now() + 10_000; !udpBound(config.address, config.port, proc.pid); await sleep(50)) {
    if (!isRunning(proc) || Date.now() > deadline) {
      throw new Error(`ipmi_sim ${config.name} did not bind ${config.address}:${config.port}/udp (log ${log}):\n${readFileSync(log, 'utf8').slice(-2000)}`);
    }
  }
  return proc;
}

/** One BMC per lab node, its chassis the node's VM (machineArgs); returns each node's bmc.* attributes. */
export async function startLabIpmiBmcs(state: LabState, record: (p: LabProcess) => void, machineArgs: (node: LabState['nodes'][number]) => string[]): Promise<Map<string, Record<string, string | number | boolean>>> {
  const username = 'admin';
  const password = randomBytes(12).toString('base64url');
  const attrs = new Map<string, Record<string, string | number | boolean>>();
  for (const [i, n] of state.nodes.entries()) {
    const port = IPMI_BASE_PORT + i;
    await startNetnsIpmiSim(state.netns, {
      name: n.name, dir: join(state.dir, 'ipmi', n.name), address: state.serverIp, port, serial: `LAB-${state.name}-${n.name}`,
      username, password, machineArgs: machineArgs(n), monitorPort: MONITOR_BASE_PORT + i,
    }, record);
    attrs.set(n.name, { 'bmc.driver': 'ipmi', 'bmc.address': state.serverIp, 'bmc.port': port, 'bmc.username': username, 'bmc.password': password });
  }
  return attrs;
}
