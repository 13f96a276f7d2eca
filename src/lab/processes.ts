// Long-lived lab processes (QEMU, dnsmasq, stage0): started detached, remembered by PID + start time, stopped by PID.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { sleep } from './exec.ts';

/** A process the lab started. startTime (clock ticks since boot, /proc/<pid>/stat field 22) guards against PID reuse. */
export interface LabProcess {
  role: string;
  pid: number;
  startTime: number;
  /** Where its stdout and stderr go. */
  log: string;
}

function procStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces: split after its closing parenthesis; starttime is field 22.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = rest[0];
    if (state === 'Z' || state === 'X') return null;
    return Number(rest[19]);
  } catch {
    return null;
  }
}

/** Starts `cmd args` detached (it outlives the CLI), output appended to logFile. */
export function spawnDetached(role: string, cmd: string, args: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): LabProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
    if (child.pid === undefined) throw new Error(`cannot start ${cmd}`);
    child.on('error', () => {}); // ENOENT shows up as an exit; callers check isRunning
    child.unref();
    return { role, pid: child.pid, startTime: procStartTime(child.pid) ?? 0, log: logFile };
  } finally {
    closeSync(fd);
  }
}

/** True while the very process we started (same PID and start time) is alive and not a zombie. */
export function isRunning(p: LabProcess): boolean {
  const t = procStartTime(p.pid);
  return t !== null && (p.startTime === 0 || t === p.startTime);
}

/** SIGTERM, wait up to graceMs, then SIGKILL; only processes whose identity still matches. */
export async function stopProcesses(procs: readonly LabProcess[], graceMs = 3000): Promise<void> {
  const signal = (p: LabProcess, sig: NodeJS.Signals) => {
    if (!isRunning(p)) return;
    try {
      process.kill(p.pid, sig);
    } catch {
      /* already gone */
    }
  };
  procs.forEach((p) => signal(p, 'SIGTERM'));
  const deadline = Date.now() + graceMs;
  while (procs.some(isRunning) && Date.now() < deadline) await sleep(100);
  procs.forEach((p) => signal(p, 'SIGKILL'));
  while (procs.some(isRunning) && Date.now() < deadline + 2000) await sleep(50);
}
