// Processes of a storm or bench: started (inside a namespace, pinned to a core with taskset), stopped by their own PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { run, sleep } from '../lab/exec.ts';

export interface Pinned {
  child: ChildProcess;
  exited: Promise<number>;
  stop(): Promise<void>;
}

/** Starts `argv` inside netns (when given), pinned to a core with taskset, output to logFile. Stopped by its own PID. */
export function startPinned(core: string, argv: string[], opts: { netns?: string; log: string; env?: NodeJS.ProcessEnv }): Pinned {
  const full = [...(opts.netns ? ['ip', 'netns', 'exec', opts.netns] : []), 'taskset', '-c', core, ...argv];
  const fd = openSync(opts.log, 'a');
  const child = spawn(full[0]!, full.slice(1), { stdio: ['ignore', fd, fd], env: opts.env ?? process.env });
  closeSync(fd);
  const exited = new Promise<number>((r) => child.on('exit', (code, sig) => r(code ?? (sig ? 128 : 0))));
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Waits until `ss` inside netns shows a listener on the port (udp or tcp). */
export async function waitForListen(netns: string | undefined, proto: 'udp' | 'tcp', port: number, timeoutMs = 15_000, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const argv = ['ss', proto === 'udp' ? '-Hlnu' : '-Hlnt', `sport = :${port}`];
  while (Date.now() < deadline) {
    const r = await run(netns ? 'ip' : argv[0]!, netns ? ['netns', 'exec', netns, ...argv] : argv.slice(1), { allowFail: true });
    if (r.stdout.trim()) return;
    if (!alive()) throw new Error(`server exited before listening on ${proto} ${port}`);
    await sleep(100);
  }
  throw new Error(`nothing listens on ${proto} ${port} within ${timeoutMs} ms`);
}

