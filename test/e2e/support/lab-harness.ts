// Shared pieces of the QEMU boot tests: a lab per test with guaranteed teardown, boot waits, failure diagnostics.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { labDown } from '../../../src/lab/lab-down.ts';
import { loadLabState, type LabState } from '../../../src/lab/lab-state.ts';
import { labApiHeaders, labUp, tailLogs, type LabUpOptions } from '../../../src/lab/lab.ts';
import { listNetns } from '../../../src/lab/netns.ts';
import { isRunning } from '../../../src/lab/processes.ts';
import { CALLBACK_OK_MARKER } from '../../../src/lab/initramfs-scripts.ts';
import { BOOT_GAVE_UP, waitForMarker, type VmProcess } from '../../../src/lab/qemu-vm.ts';
import { nsHttp } from '../../../src/lab/ns-http.ts';

/** Same root as `stage0 lab` so the kernel .deb and built assets are shared (env STAGE0_LAB_ROOT overrides). */
export const E2E_LAB_ROOT = process.env.STAGE0_LAB_ROOT ?? '/var/tmp/stage0-lab';
/** One network boot under TCG on a loaded 2-core host: ~30–45 s typical; generous on purpose. */
export const BOOT_TIMEOUT_MS = 240_000;

/** Fails (never skips) when not root: namespaces, taps and QEMU on taps need it. */
export function requireRoot(): void {
  assert.equal(process.getuid?.(), 0, 'QEMU boot tests need root (network namespaces, tap devices): run scripts/test.sh e2e as root');
}

/** `t<purpose><pid><random>`: unique across parallel test files and reruns; the namespace is s0lab-<name>. */
export function uniqueLabName(purpose: string): string {
  return `t${purpose}${process.pid.toString(36)}${randomBytes(2).toString('hex')}`.slice(0, 25);
}

/** Everything worth reading when a boot test fails: tails of serial, server, HTTP and helper logs; stage0's event log. */
export async function labDiagnostics(state: LabState, lines = 40): Promise<string> {
  let events = '';
  if (state.server === 'stage0') {
    const headers = await labApiHeaders(state).catch(() => ({}));
    const r = await nsHttp(state.netns, 'GET', `${state.serverUrl}/api/v1/events?limit=200`, undefined, headers).catch((err: Error) => ({ status: 0, body: err.message }));
    const items = r.status === 200 ? (JSON.parse(r.body) as { items: { time: string; node: string | null; kind: string; details: unknown }[] }).items : [];
    events = `----- stage0 events (HTTP ${r.status}) -----\n${items.map((e) => `${e.time} ${e.node ?? '-'} ${e.kind} ${JSON.stringify(e.details)}`).join('\n') || r.body}\n`;
  }
  return `lab ${state.name} (${state.server}, ${state.firmware}, ${state.netns})\n${tailLogs(state.dir, lines)}\n${events}`;
}

export type LabTestOptions = Omit<LabUpOptions, 'root' | 'name'> & { purpose: string };

/**
 * Brings a lab up, runs body, and always tears it down — then checks nothing is left (namespaces, processes).
 * When body throws, the log tails are printed before the lab directory goes away.
 */
export async function withLab<T>(opts: LabTestOptions, body: (state: LabState) => Promise<T>): Promise<T> {
  requireRoot();
  const { purpose, ...up } = opts;
  const name = uniqueLabName(purpose);
  let state: LabState | null = null;
  try {
    state = await labUp({ ...up, root: E2E_LAB_ROOT, name });
    return await body(state);
  } catch (err) {
    const latest = loadLabState(E2E_LAB_ROOT, name) ?? state;
    if (latest) process.stderr.write(`\n===== ${name} failed: ${(err as Error).message}\n${await labDiagnostics(latest)}\n`);
    throw err;
  } finally {
    const latest = loadLabState(E2E_LAB_ROOT, name) ?? state;
    await labDown(E2E_LAB_ROOT, name);
    if (latest) await assertLabGone(latest);
  }
}

/** After labDown: no namespace of the lab, no process of it alive, no lab directory. */
export async function assertLabGone(state: LabState): Promise<void> {
  const left = await listNetns(state.netns);
  assert.deepEqual(left.filter((n) => n === state.netns || state.extraNetns.includes(n)), [], 'namespaces left behind');
  const alive = [...state.processes, ...state.vms].filter(isRunning).map((p) => `${p.role}:${p.pid}`);
  assert.deepEqual(alive, [], 'processes left running');
  assert.equal(existsSync(state.dir), false, 'lab directory left behind');
}

export interface BootResult {
  vm: VmProcess;
  line: string;
  /** From QEMU start to the callback marker on the serial console. */
  seconds: number;
}

/** Waits for the VM's callback marker (the initramfs got DHCP and reached the callback URL). */
export async function waitForBoot(vm: VmProcess, timeoutMs = BOOT_TIMEOUT_MS): Promise<BootResult> {
  const since = Date.parse(vm.startedAt);
  const seen = await waitForMarker(vm.serialLog, CALLBACK_OK_MARKER, { timeoutMs, vm, sinceMs: since, failOn: BOOT_GAVE_UP });
  assert.ok(seen.line.includes(`mac=${vm.mac}`), `marker names another MAC: ${seen.line}`);
  return { vm, line: seen.line, seconds: Math.round(seen.elapsedMs / 100) / 10 };
}

/** Asserts `want` appears in order (as a subsequence) in `got`; the message shows the whole sequence. */
export function assertSubsequence<T>(got: readonly T[], want: readonly ((x: T) => boolean)[], names: readonly string[], show: (x: T) => string): void {
  let i = 0;
  for (const x of got) if (i < want.length && want[i]!(x)) i++;
  assert.equal(i, want.length, `expected in order: ${names.join(' -> ')}; missing from "${names[i]}" on; got:\n  ${got.map(show).join('\n  ')}`);
}
