// What a running lab is made of, kept as JSON in its directory so `lab down` (even from another process) can undo it.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabProcess } from './processes.ts';
import type { Firmware, VmProcess } from './qemu-vm.ts';

export type LabServer = 'stage0' | 'dnsmasq';

export interface LabState {
  name: string;
  netns: string;
  /** Extra namespaces attached to the bridge (e.g. a foreign DHCP server), deleted with the lab. */
  extraNetns: string[];
  subnet: number;
  serverIp: string;
  /** http://10.99.N.1:8080 — reachable only from inside the namespace. */
  serverUrl: string;
  server: LabServer;
  firmware: Firmware;
  dir: string;
  createdAt: string;
  /** The server log to read on failure: stage0's output, or dnsmasq's. */
  serverLog: string;
  /** Baseline only: JSON lines of HTTP requests. */
  httpLog: string | null;
  configFile: string | null;
  processes: LabProcess[];
  vms: VmProcess[];
  nodes: { name: string; mac: string; tap: string }[];
}

/** Layout under the lab root: cache/ (kernel .deb), assets/ (vmlinuz, initrd.gz), labs/<name>/. */
export const labPaths = (root: string) => ({
  cache: join(root, 'cache'),
  assets: join(root, 'assets'),
  labs: join(root, 'labs'),
  lab: (name: string) => join(root, 'labs', name),
  state: (name: string) => join(root, 'labs', name, 'state.json'),
});

export function saveLabState(root: string, state: LabState): void {
  const file = labPaths(root).state(state.name);
  mkdirSync(labPaths(root).lab(state.name), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

export function loadLabState(root: string, name: string): LabState | null {
  const file = labPaths(root).state(name);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

/** Every lab that has a state file, oldest first. */
export function listLabStates(root: string): LabState[] {
  const dir = labPaths(root).labs;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => loadLabState(root, n))
    .filter((s): s is LabState => s !== null)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
