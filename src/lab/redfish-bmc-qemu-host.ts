// Lab BMC host: a RedfishHost that is a real QEMU VM, driven through QMP (start = power on, quit, system_reset,
// system_powerdown). Default machine: 64 MiB, no disk, no NIC, TCG; SeaBIOS banners on debugcon show each (re)boot.
// Lab VMs pass their own command line (tap NIC, serial log) through `machineArgs`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedfishHost, RfBoot, RfReset } from './redfish-bmc.ts';


/** One QMP command on a fresh connection: greeting, qmp_capabilities, command, its answer. */
export async function qmp(socket: string, execute: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let buf = '';
    let step = 0;
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`QMP ${execute}: no answer`))), 5000);
    s.on('error', (e) => (clearTimeout(timer), reject(e)));
    s.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        if ('event' in msg) continue;
        if (step === 0 && 'QMP' in msg) s.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
        else if (step === 1 && 'return' in msg) s.write(JSON.stringify({ execute }) + '\n');
        else if (step === 2) {
          clearTimeout(timer);
          s.end();
          return 'error' in msg ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.return);
        }
        step++;
      }
    });
  });
}

export interface QemuHost extends RedfishHost {
  /** The running QEMU, if powered on. */
  pid(): number | undefined;
  /** SeaBIOS banners printed so far by the current VM (one per boot or reset). */
  boots(): number;
  /** Command line of the current VM. */
  cmdline(): string[];
}

export interface QemuHostOptions {
  /** The machine's QEMU arguments without -qmp, -debugcon and -boot (default: the lean VM above). */
  machineArgs?: string[];
  /** -boot value when no override is active (default: QEMU's own order). */
  defaultBoot?: string;
  /** Where QEMU's stderr goes (default: ignored). */
  logFile?: string;
}

/** -boot for an override: Pxe once = network on this power-on only, Continuous = always, Hdd = disk. */
export function bootArgs(b: RfBoot, defaultBoot?: string): string[] {
  if (b.BootSourceOverrideEnabled !== 'Disabled' && b.BootSourceOverrideTarget === 'Pxe') return ['-boot', b.BootSourceOverrideEnabled === 'Once' ? 'once=n' : 'order=n'];
  if (b.BootSourceOverrideEnabled !== 'Disabled' && b.BootSourceOverrideTarget === 'Hdd') return ['-boot', b.BootSourceOverrideEnabled === 'Once' ? 'once=c' : 'order=c'];
  return defaultBoot ? ['-boot', defaultBoot] : [];
}

export function qemuHost(boot: () => RfBoot, onBooted: () => void, opts: QemuHostOptions = {}): QemuHost {
  if (spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status !== 0) throw new Error('qemu-system-x86_64 is missing: apt-get install -y --no-install-recommends qemu-system-x86');
  const dir = mkdtempSync(join(tmpdir(), 's0-rfvm-'));
  const sock = join(dir, 'qmp.sock');
  const debugcon = join(dir, 'debugcon.log');
  let vm: ChildProcess | undefined;
  let args: string[] = [];
  const alive = () => vm !== undefined && vm.exitCode === null && vm.signalCode === null;
  const stopped = () => (alive() ? new Promise<void>((r) => vm!.once('exit', () => r())) : Promise.resolve());

  async function start(): Promise<void> {
    if (alive()) return;
    rmSync(debugcon, { force: true });
    const b = boot();
    // Boot source override applies at power on: Pxe first once (-boot once=n) or always (order=n).
    const machine = opts.machineArgs ?? ['-name', 's0t-redfish-vm', '-machine', 'pc,accel=tcg', '-m', '64', '-nodefaults', '-display', 'none'];
    args = [...machine, '-debugcon', `file:${debugcon}`, '-global', 'isa-debugcon.iobase=0x402', '-qmp', `unix:${sock},server=on,wait=off`, ...bootArgs(b, opts.defaultBoot)];
    const log = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
    vm = spawn('qemu-system-x86_64', args, { stdio: ['ignore', log, log] });
    if (typeof log === 'number') closeSync(log);
    vm.on('error', () => {});
    const end = Date.now() + 5000;
    while (!existsSync(sock) && alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    if (!alive()) throw new Error('QEMU exited at start');
    if (b.BootSourceOverrideEnabled === 'Once') onBooted();
  }
  async function quit(): Promise<void> {
    if (!alive()) return;
    await qmp(sock, 'quit').catch(() => vm?.kill('SIGKILL'));
    await stopped();
  }

  return {
    power: async () => (alive() ? 'On' : 'Off'),
    async reset(type: RfReset) {
      if (type === 'On' || type === 'ForceOn') await start();
      else if (type === 'ForceOff') await quit();
      else if (type === 'GracefulShutdown') alive() && (await qmp(sock, 'system_powerdown')); // an OS-less VM ignores ACPI
      else if (type === 'ForceRestart') alive() && (await qmp(sock, 'system_reset'));
      else if (type === 'PowerCycle') {
        await quit();
        await start();
      }
    },
    async close() {
      if (alive()) vm!.kill('SIGKILL');
      await stopped();
      rmSync(dir, { recursive: true, force: true });
    },
    pid: () => (alive() ? vm!.pid : undefined),
    boots: () => (existsSync(debugcon) ? readFileSync(debugcon, 'latin1').split('SeaBIOS (version').length - 1 : 0),
    cmdline: () => [...args],
  };
}
