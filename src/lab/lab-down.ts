// Undoes labs: stops their processes by PID, deletes their namespaces and files; finds stale leftovers of crashed runs.
import { rmSync } from 'node:fs';
import { labPaths, listLabStates, loadLabState, type LabState } from './lab-state.ts';
import { deleteNetns, LAB_NETNS_PREFIX, listNetns } from './netns.ts';
import { isRunning, stopProcesses } from './processes.ts';
import { bmcVms } from './lab-bmc.ts';

/** Stops VMs first (they would otherwise retry DHCP against a dying server), then servers; deletes namespaces and the lab dir. */
export async function labDown(root: string, name: string): Promise<void> {
  const state = loadLabState(root, name);
  if (state) {
    await stopProcesses(state.vms);
    // VMs a BMC started (by their QEMU pid files): an ipmi_sim stopped before its VM would leave the VM running
    await stopProcesses(bmcVms(state, state.createdAt));
    await stopProcesses(state.processes);
    for (const ns of state.extraNetns) await deleteNetns(ns);
  }
  await deleteNetns(state?.netns ?? `${LAB_NETNS_PREFIX}${name}`);
  rmSync(labPaths(root).lab(name), { recursive: true, force: true });
}

export interface LabHealth {
  state: LabState;
  netnsExists: boolean;
  running: { role: string; pid: number; running: boolean }[];
  /** The namespace is gone, or no server process is left: the lab is a leftover. */
  stale: boolean;
}

/**
 * The labs under root with their liveness, plus s0lab-* namespaces no lab state knows (orphans of crashed runs).
 * Note a lab of another root looks like an orphan here; netnsPrefix narrows the orphan search (tests use it).
 */
export async function labHealth(root: string, netnsPrefix = LAB_NETNS_PREFIX): Promise<{ labs: LabHealth[]; orphanNetns: string[] }> {
  const namespaces = await listNetns(LAB_NETNS_PREFIX);
  const states = listLabStates(root);
  const labs = states.map((state) => {
    const running = [...state.processes, ...state.vms].map((p) => ({ role: p.role, pid: p.pid, running: isRunning(p) }));
    const netnsExists = namespaces.includes(state.netns);
    const serverUp = state.processes.some(isRunning);
    return { state, netnsExists, running, stale: !netnsExists || !serverUp };
  });
  const known = new Set(states.flatMap((s) => [s.netns, ...s.extraNetns]));
  return { labs, orphanNetns: namespaces.filter((n) => n.startsWith(netnsPrefix) && !known.has(n)) };
}

/** Removes every lab under root and every orphan s0lab-* namespace; returns what it removed. */
export async function labDownAll(root: string, netnsPrefix = LAB_NETNS_PREFIX): Promise<string[]> {
  const { labs, orphanNetns } = await labHealth(root, netnsPrefix);
  for (const l of labs) await labDown(root, l.state.name);
  for (const ns of orphanNetns) await deleteNetns(ns);
  return [...labs.map((l) => l.state.name), ...orphanNetns];
}
