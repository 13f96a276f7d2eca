// `stage0 lab up|status|down` as a user runs them (separate processes): state survives the CLI, down undoes all, stale labs found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, sleep } from '../../src/lab/exec.ts';
import { deleteNetns, LAB_NETNS_PREFIX, listNetns } from '../../src/lab/netns.ts';
import { isRunning, spawnDetached } from '../../src/lab/processes.ts';
import { E2E_LAB_ROOT, requireRoot, uniqueLabName } from './support/lab-harness.ts';

/** The real entry point, as a user runs it. */
const STAGE0 = fileURLToPath(new URL('../../bin/stage0', import.meta.url));

function lab(...args: string[]) {
  const r = spawnSync(STAGE0, ['lab', ...args, '--root', E2E_LAB_ROOT], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface StatusJson {
  labs: { name: string; netns: string; stale: boolean; serverUrl: string; processes: { role: string; pid: number; running: boolean }[]; vms: { name: string; mac: string; pid: number; running: boolean; serialLog: string }[] }[];
  orphanNetns: string[];
}
const status = (): StatusJson => JSON.parse(lab('status', '--json').out) as StatusJson;

test('lab up (dnsmasq) -> status --json -> crash -> status says stale -> down removes everything', { timeout: 180_000 }, async () => {
  requireRoot();
  const name = uniqueLabName('cli');
  try {
    const up = lab('up', '--nodes', '1', '--server', 'dnsmasq', '--name', name);
    assert.equal(up.code, 0, up.err);
    assert.match(up.out, new RegExp(`lab ${name}: namespace s0lab-${name}`));
    const mine = status().labs.find((l) => l.name === name)!;
    assert.ok(mine, 'lab missing from status');
    assert.match(mine.serverUrl, /^http:\/\/10\.99\.\d+\.1:8080$/);
    assert.deepEqual(mine.processes.map((p) => [p.role, p.running]), [['dnsmasq', true], ['http', true]]);
    assert.equal(mine.vms.length, 1);
    assert.ok(mine.vms[0]!.running && existsSync(mine.vms[0]!.serialLog));
    assert.match(mine.vms[0]!.mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
    assert.equal(mine.stale, false);

    // A crash: every process of the lab dies, the namespace stays.
    for (const p of [...mine.processes, ...mine.vms]) process.kill(p.pid, 'SIGKILL');
    await sleep(500);
    const after = status().labs.find((l) => l.name === name)!;
    assert.equal(after.stale, true);

    const down = lab('down', '--name', name);
    assert.equal(down.code, 0, down.err);
    assert.equal(status().labs.some((l) => l.name === name), false);
    assert.deepEqual((await listNetns(`${LAB_NETNS_PREFIX}${name}`)), []);
  } finally {
    lab('down', '--name', name);
  }
});

test('lab down --name removes a stale namespace that has no lab state, killing what runs inside', { timeout: 60_000 }, async () => {
  requireRoot();
  const name = uniqueLabName('stale');
  const ns = `${LAB_NETNS_PREFIX}${name}`;
  try {
    await run('ip', ['netns', 'add', ns]);
    const leftover = spawnDetached('leftover', 'ip', ['netns', 'exec', ns, 'sleep', '300'], '/dev/null');
    await sleep(200);
    assert.ok(status().orphanNetns.includes(ns));
    const down = lab('down', '--name', name);
    assert.equal(down.code, 0, down.err);
    assert.deepEqual(await listNetns(ns), []);
    assert.equal(isRunning(leftover), false);
  } finally {
    await deleteNetns(ns);
  }
});

test('bad usage: one-line errors and a non-zero exit', () => {
  const cases: [string[], RegExp][] = [
    [['down'], /--name <name> or --all/],
    [['up', '--nodes', '0'], /--nodes must be an integer 1\.\.50/],
    [['up', '--nodes', '1', '--firmware', 'arm'], /--firmware must be one of bios, uefi/],
  ];
  for (const [args, msg] of cases) {
    const r = lab(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, msg);
    assert.ok(!r.err.includes('    at '), `stack trace printed for ${args.join(' ')}`);
  }
});
