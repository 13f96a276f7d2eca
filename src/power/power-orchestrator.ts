// Runs one power action over many nodes: bounded concurrency, a timeout per driver attempt, one result per node.
import { setMaxListeners } from 'node:events';
import type { BmcSlots } from './bmc-slots.ts';
import type { BmcTarget } from './capabilities.ts';
import { driversFor, type DriverRegistry } from './driver-registry.ts';
import { featureOf, invokeDriver, type PowerAction, type PowerActionResult } from './power-action.ts';
import { abortPromise, PowerError, type PowerErrorCode } from './power-error.ts';

/** A node's effective bmc.* attributes (password already opened from its SecretBox). */
export interface BmcConfig extends BmcTarget {
  /** bmc.driver: 'ipmi' | 'redfish'; unset = try every driver that supports the action. */
  driver?: string;
}
export interface PowerNode {
  name: string;
  bmc: BmcConfig;
}
/** One action for every node, or one chosen per node (e.g. the boot firmware from the node's own attributes). */
export type ActionFor = PowerAction | ((node: PowerNode) => PowerAction);

export interface PowerResult {
  node: string;
  ok: boolean;
  result?: PowerActionResult;
  /** One line per failed attempt ("ipmi: authentication failed"), joined with "; ". Never contains a password. */
  error?: string;
  /** Code of the last failed attempt. */
  errorCode?: PowerErrorCode;
  /** Driver names tried, in order. */
  attempted: string[];
  ms: number;
}
export interface PowerProgress {
  done: number;
  total: number;
  inFlight: number;
}
export interface PowerRunOptions {
  drivers: DriverRegistry;
  /** Nodes handled at once (default 32). */
  concurrency?: number;
  /** Time allowed to one driver attempt on one node (default 20000 ms). */
  timeoutMs?: number;
  /** Called as each node finishes. */
  onProgress?: (result: PowerResult, progress: PowerProgress) => void;
  /** Aborts every node still running (they finish with a timeout error). */
  signal?: AbortSignal;
  /** Slots shared with other runs (the server's power.concurrency); a node waits for one before its BMC is asked. */
  slots?: BmcSlots;
}

export const DEFAULT_POWER_CONCURRENCY = 32;
export const DEFAULT_POWER_TIMEOUT_MS = 20_000;

async function attempt(run: () => Promise<PowerActionResult>, signal: AbortSignal): Promise<PowerActionResult> {
  // Racing against the signal means a driver that ignores it still cannot hang the node.
  return Promise.race([run(), abortPromise(signal, 'attempt')]);
}

async function runNode(node: PowerNode, actionFor: ActionFor, opts: PowerRunOptions, outer: AbortSignal): Promise<PowerResult> {
  const t0 = performance.now();
  const attempted: string[] = [];
  const fail = (code: PowerErrorCode, error: string): PowerResult => ({ node: node.name, ok: false, error, errorCode: code, attempted, ms: Math.round(performance.now() - t0) });
  if (!node.bmc?.address) return fail('invalid', 'bmc.address is not set');
  const action = typeof actionFor === 'function' ? actionFor(node) : actionFor;
  const drivers = driversFor(opts.drivers, node.bmc.driver, featureOf(action));
  if (typeof drivers === 'string') return fail(node.bmc.driver && !opts.drivers.has(node.bmc.driver) ? 'invalid' : 'unsupported', drivers);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_POWER_TIMEOUT_MS;
  const errors: string[] = [];
  let lastCode: PowerErrorCode = 'protocol';
  for (const driver of drivers) {
    if (outer.aborted) return fail('timeout', errors.concat('cancelled before its BMC was asked').join('; '));
    attempted.push(driver.name);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new PowerError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    const onOuter = () => ac.abort(new PowerError('timeout', 'cancelled'));
    outer.addEventListener('abort', onOuter, { once: true });
    try {
      if (outer.aborted) onOuter();
      const result = await attempt(() => invokeDriver(driver, node.bmc, action, { signal: ac.signal }), ac.signal);
      return { node: node.name, ok: true, result, attempted, ms: Math.round(performance.now() - t0) };
    } catch (e) {
      lastCode = e instanceof PowerError ? e.code : 'protocol';
      errors.push(`${driver.name}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearTimeout(timer);
      outer.removeEventListener('abort', onOuter);
      ac.abort(); // lets a driver that is still busy (e.g. closing a session) drop its sockets
    }
  }
  return fail(lastCode, errors.join('; '));
}

async function runWithSlot(node: PowerNode, action: ActionFor, opts: PowerRunOptions, outer: AbortSignal): Promise<PowerResult> {
  const release = opts.slots ? await opts.slots.acquire(outer) : undefined;
  try {
    return await runNode(node, action, opts, outer); // without a slot the run was cancelled: runNode ends at once
  } finally {
    release?.();
  }
}

/** Yields [index in nodes, result] as nodes finish. Ending the loop early cancels the nodes still running. */
async function* runIndexed(nodes: readonly PowerNode[], action: ActionFor, opts: PowerRunOptions): AsyncGenerator<[number, PowerResult]> {
  const limit = Math.max(1, opts.concurrency ?? DEFAULT_POWER_CONCURRENCY);
  const ac = new AbortController();
  setMaxListeners(limit + 16, ac.signal); // every node in flight listens to the run's signal: not a leak
  const onOuter = () => ac.abort();
  opts.signal?.addEventListener('abort', onOuter, { once: true });
  if (opts.signal?.aborted) ac.abort();
  const ready: [number, PowerResult][] = [];
  let wake: (() => void) | undefined;
  let next = 0;
  let inFlight = 0;
  let done = 0;
  const launch = (): void => {
    while (inFlight < limit && next < nodes.length) {
      const i = next++;
      inFlight++;
      void runWithSlot(nodes[i]!, action, opts, ac.signal).then((r) => {
        inFlight--;
        done++;
        ready.push([i, r]);
        opts.onProgress?.(r, { done, total: nodes.length, inFlight });
        launch();
        wake?.();
      });
    }
  };
  try {
    launch();
    for (let yielded = 0; yielded < nodes.length; ) {
      if (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      while (ready.length) {
        yielded++;
        yield ready.shift()!;
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onOuter);
    ac.abort();
  }
}

/** Yields one result per node, in completion order. Breaking out of the loop cancels the nodes still running. */
export async function* streamPowerAction(nodes: readonly PowerNode[], action: ActionFor, opts: PowerRunOptions): AsyncGenerator<PowerResult> {
  for await (const [, r] of runIndexed(nodes, action, opts)) yield r;
}

/** Runs the action over every node; results in the order of `nodes`. Never rejects. */
export async function runPowerAction(nodes: readonly PowerNode[], action: ActionFor, opts: PowerRunOptions): Promise<PowerResult[]> {
  const out: PowerResult[] = new Array(nodes.length);
  for await (const [i, r] of runIndexed(nodes, action, opts)) out[i] = r;
  return out;
}
