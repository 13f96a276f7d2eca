// Runs external programs (ip, apt-get, dpkg-deb, qemu…) for the lab: no shell, output captured, errors that say what ran.
import { spawn } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  cwd?: string;
  input?: string;
  /** Resolve even on a non-zero exit (the caller inspects `code`). */
  allowFail?: boolean;
  timeoutMs?: number;
}

/** Runs `cmd args…` and resolves with its output; rejects on a non-zero exit unless allowFail. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' ? ` (${cmd} is not installed)` : '';
      reject(new Error(`cannot run ${cmd}${hint}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      const result = { stdout, stderr, code: code ?? 128 };
      if (result.code !== 0 && !opts.allowFail) {
        const why = signal ? `killed by ${signal}` : `exit ${result.code}`;
        reject(new Error(`${cmd} ${args.join(' ')}: ${why}: ${stderr.trim().slice(-2000)}`));
      } else resolve(result);
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a program that exits without reading its input: EPIPE is not our error
      child.stdin.end(opts.input);
    }
  });
}

/** Runs a command inside a network namespace (`ip netns exec`). */
export function runInNetns(netns: string, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('ip', ['netns', 'exec', netns, cmd, ...args], opts);
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
