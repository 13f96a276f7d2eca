// Test support: N real OpenIPMI `ipmi_sim` BMCs on 127.0.0.1 (VM-less, "chassis" mode: power/boot kept in files;
// optionally the first one's chassis is a lean QEMU VM), plus an ipmitool wrapper for cross-checks. The BMC itself
// (config, chassis program) is src/lab/ipmi-sim.ts, shared with `stage0 lab up --bmc ipmi`.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chassisQemuPid, ipmiSimArgs, udpBound, writeChassisControl, writeIpmiSimFiles } from '../../../src/lab/ipmi-sim.ts';

export const SIM_USER = 'admin';
export const SIM_PASS = 'labpass';

/** Fails (never skips) with an install hint when a program is missing. */
export function requireIpmiTools(): void {
  for (const [cmd, pkg] of [['ipmi_sim', 'openipmi'], ['ipmitool', 'ipmitool']] as const) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
      throw new Error(`${cmd} is missing: apt-get install -y --no-install-recommends ${pkg} (or run scripts/install-test-deps.sh)`);
    }
  }
}

export interface SimBmc {
  name: string;
  port: number;
  dir: string;
  serial: string;
  child: ChildProcess;
  /** Chassis state as the chassis_control script keeps it. */
  state(): { power: 'on' | 'off'; boot: string; resets: number; soft: boolean };
  setPower(on: boolean): void;
  /** SIGSTOP: the BMC keeps its UDP port but stops answering. */
  pause(): void;
  resume(): void;
  /** VM BMCs only: the running QEMU (undefined when off), its command line, SeaBIOS banners so far. */
  qemuPid(): number | undefined;
  qemuCmdline(): string[];
  boots(): number;
}

export interface SimFarm {
  dir: string;
  bmcs: SimBmc[];
  stop(): Promise<void>;
}

/** A UDP port free right now on 127.0.0.1 (bind to 0, read it, release). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A free TCP port on 127.0.0.1 for a QEMU monitor. */
async function freeTcpPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts `count` ipmi_sim BMCs, each on its own free UDP port; resolves once all answer on their port.
 * With `vm: true` the first BMC's chassis is a lean QEMU VM (64 MiB, TCG, no disk, no NIC).
 */
export async function startIpmiSims(count: number, prefix = 'bmc', opts: { vm?: boolean } = {}): Promise<SimFarm> {
  requireIpmiTools();
  const root = mkdtempSync(join(tmpdir(), 's0t-ipmi-'));
  const prog = writeChassisControl(root);
  const bmcs: SimBmc[] = [];
  const farm: SimFarm = {
    dir: root,
    bmcs,
    async stop() {
      // QEMU first: an ipmi_sim killed before its VM leaves the VM running (IPMI.md).
      for (const b of bmcs) {
        const pid = b.qemuPid();
        if (pid) process.kill(pid, 'SIGKILL');
      }
      for (const b of bmcs) {
        try {
          process.kill(b.child.pid!, 'SIGKILL'); // also ends a SIGSTOPped one
        } catch {
          /* gone */
        }
      }
      await Promise.all(bmcs.map((b) => (b.child.exitCode !== null || b.child.signalCode !== null ? undefined : new Promise((r) => b.child.once('exit', r)))));
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 1; i <= count; i++) {
      const name = `${prefix}${String(i).padStart(2, '0')}`;
      const dir = join(root, name);
      const port = await freeUdpPort();
      const serial = `LAB-${prefix.toUpperCase()}-${String(i).padStart(4, '0')}`;
      const vm = opts.vm && i === 1;
      writeIpmiSimFiles({
        name, dir, address: '127.0.0.1', port, serial, username: SIM_USER, password: SIM_PASS,
        ...(vm && {
          monitorPort: await freeTcpPort(),
          machineArgs: ['-name', `s0t-ipmi-vm-${process.pid}`, '-machine', 'pc,accel=tcg', '-m', '64', '-nodefaults', '-display', 'none',
            '-debugcon', `file:${join(dir, 'debugcon.log')}`, '-global', 'isa-debugcon.iobase=0x402'],
        }),
      }, prog);
      const child = spawn('ipmi_sim', ipmiSimArgs(dir), { stdio: 'ignore' });
      child.on('error', () => {});
      const read = (f: string, d: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').trim() : d);
      bmcs.push({
        name, port, dir, serial, child,
        state: () => ({ power: read('power', '0') === '1' ? 'on' : 'off', boot: read('boot', 'default'), resets: Number(read('resets', '0')), soft: read('soft', '0') === '1' }),
        setPower: (on) => writeFileSync(join(dir, 'power'), on ? '1\n' : '0\n'),
        pause: () => process.kill(child.pid!, 'SIGSTOP'),
        resume: () => process.kill(child.pid!, 'SIGCONT'),
        qemuPid: () => chassisQemuPid(dir),
        qemuCmdline() {
          const pid = this.qemuPid();
          return pid ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) : [];
        },
        boots: () => read('debugcon.log', '').split('SeaBIOS (version').length - 1,
      });
    }
    const deadline = Date.now() + 10_000;
    for (const b of bmcs) {
      while (!udpBound('127.0.0.1', b.port)) {
        if (b.child.exitCode !== null || Date.now() > deadline) throw new Error(`ipmi_sim ${b.name} did not bind 127.0.0.1:${b.port}/udp`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return farm;
  } catch (e) {
    await farm.stop();
    throw e;
  }
}

/** Runs Debian's ipmitool (lanplus, cipher suite 3, as IPMI.md advises) against a simulated BMC. */
export function ipmitool(b: { port: number }, args: string[], password = SIM_PASS): { rc: number; out: string } {
  try {
    const out = execFileSync('ipmitool', ['-I', 'lanplus', '-C', '3', '-N', '1', '-R', '2', '-H', '127.0.0.1', '-p', String(b.port), '-U', SIM_USER, '-P', password, ...args], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000,
    });
    return { rc: 0, out: out.trim() };
  } catch (e) {
    const x = e as { status?: number; stdout?: string; stderr?: string };
    return { rc: x.status ?? 1, out: `${x.stdout ?? ''}${x.stderr ?? ''}`.trim() };
  }
}
