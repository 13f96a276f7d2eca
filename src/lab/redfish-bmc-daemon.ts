// Lab BMC daemon (a process of its own, inside the lab namespace): one Redfish BMC per lab VM, each powering its VM
// through QEMU + QMP. `stage0 lab up --bmc redfish` starts it detached; SIGTERM (lab down) stops every VM, then exits.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { startRedfishBmc, type RedfishBmc } from './redfish-bmc.ts';
import { qemuHost } from './redfish-bmc-qemu-host.ts';

/** The daemon's configuration file (mode 0600: it holds the BMC password). */
export interface LabBmcConfig {
  address: string;
  username: string;
  password: string;
  tls: { key: string; cert: string };
  /** Written once every BMC listens: {"ready":true}. */
  readyFile: string;
  vms: { name: string; port: number; serial: string; machineArgs: string[]; defaultBoot?: string; logFile: string }[];
}

async function main(file: string): Promise<void> {
  const c = JSON.parse(readFileSync(file, 'utf8')) as LabBmcConfig;
  const bmcs: RedfishBmc[] = [];
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled(bmcs.map((b) => b.close())); // closes each host: its QEMU is killed
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  for (const vm of c.vms) {
    bmcs.push(await startRedfishBmc({
      host: (ctx) => qemuHost(ctx.boot, ctx.bootConsumed, { machineArgs: vm.machineArgs, logFile: vm.logFile, ...(vm.defaultBoot && { defaultBoot: vm.defaultBoot }) }),
      username: c.username, password: c.password, serial: vm.serial, tls: c.tls, listen: { host: c.address, port: vm.port },
    }));
    process.stdout.write(`bmc for ${vm.name} on https://${c.address}:${vm.port}\n`);
  }
  writeFileSync(`${c.readyFile}.tmp`, JSON.stringify({ ready: true, pid: process.pid }));
  renameSync(`${c.readyFile}.tmp`, c.readyFile);
}

if (process.argv[2]) {
  main(process.argv[2]).catch((err: Error) => {
    process.stderr.write(`lab bmc daemon: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
