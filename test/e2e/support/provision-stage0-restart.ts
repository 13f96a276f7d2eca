// Restarts the stage0 of a provisioning lab (same config, same data directory): state that must survive a restart.
import { join } from 'node:path';
import { saveLabState, type LabState } from '../../../src/lab/lab-state.ts';
import { REPO_ROOT } from '../../../src/lab/lab-servers.ts';
import { waitForHttp, waitForUdpPort } from '../../../src/lab/ns-http.ts';
import { isRunning, spawnDetached, stopProcesses } from '../../../src/lab/processes.ts';

/** SIGTERM (stage0 flushes its event log and closes the store), then `stage0 serve` again; recorded for teardown. */
export async function restartStage0(root: string, state: LabState): Promise<number> {
  const t0 = Date.now();
  const old = state.processes.filter((p) => p.role === 'stage0' && isRunning(p));
  if (old.length !== 1) throw new Error(`expected one running stage0 in lab ${state.name}, found ${old.length}`);
  await stopProcesses(old, 10_000);
  if (!state.configFile) throw new Error(`lab ${state.name} has no stage0 config file`);
  const proc = spawnDetached('stage0', 'ip', ['netns', 'exec', state.netns, join(REPO_ROOT, 'bin/stage0'), 'serve', '--config', state.configFile], state.serverLog);
  state.processes.push(proc);
  saveLabState(root, state);
  await waitForHttp(state.netns, `${state.serverUrl}/`, 60_000, () => isRunning(proc));
  await waitForUdpPort(state.netns, 67, 15_000, () => isRunning(proc));
  return Date.now() - t0;
}
