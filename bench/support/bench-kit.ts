// Shared by the side-by-side benches: load average, medians, namespaces, pinned child processes, waiting for ports.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { run } from '../../src/lab/exec.ts';
import { deleteNetns } from '../../src/lab/netns.ts';

/** 1-minute load average, rounded: every figure a bench prints carries it (2 shared cores). */
export const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100;

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** Cores for server and load generator: different ones when the machine has two or more. */
export function cores(): { server: string; client: string } {
  const n = Number(readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 1);
  return n >= 2 ? { server: '0', client: '1' } : { server: '0', client: '0' };
}

export function requireTool(cmd: string, hint = 'bash bench/install-peers.sh'): Promise<void> {
  return run('sh', ['-c', `command -v ${cmd}`]).then(
    () => undefined,
    () => {
      throw new Error(`${cmd} is missing: ${hint}`);
    },
  );
}

/**
 * A namespace with lo up plus a veth pair with 10.96.0.1/24: tftpd-hpa resolves its -a address with
 * AI_ADDRCONFIG, which fails when loopback is the only IPv4. Deleted (with anything left inside) by `remove`.
 */
export async function benchNetns(purpose: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = `s0b-${purpose}-${process.pid}`;
  await run('ip', ['netns', 'add', name]);
  const ip = (...a: string[]) => run('ip', ['-n', name, ...a]);
  await ip('link', 'set', 'lo', 'up');
  await ip('link', 'add', 'bva', 'type', 'veth', 'peer', 'name', 'bvb');
  await ip('addr', 'add', '10.96.0.1/24', 'dev', 'bva');
  await ip('link', 'set', 'bva', 'up');
  await ip('link', 'set', 'bvb', 'up');
  return { name, remove: () => deleteNetns(name) };
}

/**
 * CPU time each core spent busy (user, system, irq, softirq, steal: everything but idle and iowait), in seconds, from
 * /proc/stat. Take one before and one after a run: the difference says which side of a pinned bench was the limit —
 * on a veth pair the kernel's network work lands on both cores, so a process's own CPU time does not say it.
 */
export function coreBusySeconds(): Map<string, number> {
  const hz = 100; // USER_HZ: /proc/stat counts in 1/100 s on Linux whatever the kernel's tick
  const out = new Map<string, number>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = m[2]!.trim().split(/\s+/).map(Number);
    out.set(m[1]!, (user + nice + system + irq + softirq + steal) / hz);
  }
  return out;
}

/**
 * User and system CPU seconds of a process and all its descendants (/proc/PID/stat utime and stime, 1/100 s ticks;
 * a process's figures include all its threads): what a server spent in its own code and in the kernel for it.
 */
export function processTreeCpu(pid: number | undefined): { user: number; system: number } {
  const total = { user: 0, system: 0 };
  const visit = (p: number) => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total.user += Number(f[11]) / 100;
      total.system += Number(f[12]) / 100;
      for (const task of readdirSync(`/proc/${p}/task`))
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(child));
    } catch {
      // gone meanwhile: counts what was read
    }
  };
  if (pid !== undefined) visit(pid);
  return total;
}

export { startPinned, waitForListen, type Pinned } from '../../src/sim/pinned-process.ts';

/** Runs a command to completion (inside netns, pinned), returns wall ms, exit code and stderr. */
export function timed(core: string, argv: string[], netns?: string, timeoutMs = 120_000): Promise<{ ms: number; code: number; stderr: string; stdout: string }> {
  const full = [...(netns ? ['ip', 'netns', 'exec', netns] : []), 'taskset', '-c', core, ...argv];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(full[0]!, full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => (stdout += d));
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code: code ?? 128, stderr, stdout }));
  });
}

/** A markdown table row. */
export const row = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;

/** The UDP counters of a namespace's kernel (/proc/net/snmp: InDatagrams, RcvbufErrors, InErrors…). RcvbufErrors counts
 *  datagrams dropped because a socket's receive buffer was full: on a generator's side, replies its socket could not
 *  take in time, not replies the server lost. */
export async function udpCounters(netns: string): Promise<Record<string, number>> {
  const snmp = (await run('ip', ['netns', 'exec', netns, 'cat', '/proc/net/snmp'])).stdout.split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = snmp.map((l) => l.split(/\s+/).slice(1));
  return Object.fromEntries(names!.map((k, i) => [k, Number(values![i])]));
}

export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');
