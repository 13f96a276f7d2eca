// Lab namespaces for real: bridge + taps, a veth leg that really reaches the server address, cleanup even of leftovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runInNetns, sleep } from '../../src/lab/exec.ts';
import { labHealth } from '../../src/lab/lab-down.ts';
import { attachVethNetns, createLabNetns, deleteNetns, LAB_NETNS_PREFIX, listNetns } from '../../src/lab/netns.ts';
import { isRunning, spawnDetached } from '../../src/lab/processes.ts';
import { requireRoot, uniqueLabName } from './support/lab-harness.ts';

interface IpLink { ifname: string; master?: string; operstate: string; flags: string[]; addr_info?: { local: string; prefixlen: number }[] }
const links = async (ns: string) => JSON.parse((await run('ip', ['-n', ns, '-j', 'addr', 'show'])).stdout) as IpLink[];

test('createLabNetns: lo up, br0 10.99.N.1/24 up, taps enslaved; veth peer reaches the server; deleteNetns cleans up', { timeout: 60_000 }, async () => {
  requireRoot();
  const ns = `${LAB_NETNS_PREFIX}${uniqueLabName('ns')}`;
  const peer = `${ns}-peer`;
  try {
    const net = await createLabNetns(ns, 42, 3, true);
    assert.equal(net.serverIp, '10.99.42.1');
    assert.deepEqual(net.taps, ['tap0', 'tap1', 'tap2']);
    const l = await links(ns);
    const br = l.find((x) => x.ifname === 'br0')!;
    assert.ok(br.addr_info?.some((a) => a.local === '10.99.42.1' && a.prefixlen === 24));
    assert.ok(br.addr_info?.some((a) => a.local === 'fd99:2a::1' && a.prefixlen === 64));
    assert.ok(l.find((x) => x.ifname === 'lo')!.flags.includes('UP'));
    for (const tap of net.taps) assert.equal(l.find((x) => x.ifname === tap)?.master, 'br0', tap);

    await attachVethNetns(ns, peer, 'eth0', '10.99.42.2/24');
    const ping = await runInNetns(peer, 'busybox', ['ping', '-c', '1', '-W', '3', '10.99.42.1'], { allowFail: true });
    assert.equal(ping.code, 0, `peer cannot reach the server address: ${ping.stdout}${ping.stderr}`);
  } finally {
    await deleteNetns(peer);
    await deleteNetns(ns);
  }
  assert.deepEqual((await listNetns(ns)).filter((n) => n === ns || n === peer), []);
});

test('a leftover namespace of a crashed run: labHealth reports it as an orphan, deleteNetns kills what runs inside', { timeout: 60_000 }, async () => {
  requireRoot();
  const name = uniqueLabName('orph');
  const ns = `${LAB_NETNS_PREFIX}${name}`;
  const root = mkdtempSync(join(tmpdir(), 's0-labroot-'));
  try {
    await run('ip', ['netns', 'add', ns]);
    const sleeper = spawnDetached('leftover', 'ip', ['netns', 'exec', ns, 'sleep', '300'], '/dev/null');
    await sleep(200);
    assert.ok(isRunning(sleeper));
    const health = await labHealth(root, ns);
    assert.deepEqual(health.orphanNetns, [ns]);
    await deleteNetns(ns);
    assert.equal(isRunning(sleeper), false, 'process inside the stale namespace still runs');
    assert.deepEqual((await labHealth(root, ns)).orphanNetns, []);
  } finally {
    await deleteNetns(ns);
    rmSync(root, { recursive: true, force: true });
  }
});
