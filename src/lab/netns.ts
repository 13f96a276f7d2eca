// Network namespaces for the lab: one per lab, a bridge br0 with the server address, tap devices for the VMs, veth links.
import { run, runInNetns, sleep } from './exec.ts';

/** Every namespace the lab creates starts with this, so `lab down --all` can find stale ones. */
export const LAB_NETNS_PREFIX = 's0lab-';
export const BRIDGE = 'br0';

export interface LabNetwork {
  netns: string;
  /** The third octet N of 10.99.N.0/24. */
  subnet: number;
  /** 10.99.N.1, on br0. */
  serverIp: string;
  taps: string[];
  /** fd99:N::1/64 on br0 when IPv6 is on (router advertisements need a prefix). */
  serverIp6: string | null;
}

export const subnetPrefix = (subnet: number): string => `10.99.${subnet}`;

/** Names of the existing namespaces that start with prefix. */
export async function listNetns(prefix = LAB_NETNS_PREFIX): Promise<string[]> {
  const r = await run('ip', ['netns', 'list'], { allowFail: true });
  return r.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(prefix));
}

/** Creates netns with lo up, br0 (no STP, no forward delay: DHCP must pass at once) = 10.99.N.1/24, and taps tap0..tapK-1. */
export async function createLabNetns(netns: string, subnet: number, taps: number, ipv6 = false): Promise<LabNetwork> {
  const ip = (...args: string[]) => run('ip', ['-n', netns, ...args]);
  const serverIp = `${subnetPrefix(subnet)}.1`;
  await run('ip', ['netns', 'add', netns]);
  await ip('link', 'set', 'lo', 'up');
  await ip('link', 'add', BRIDGE, 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0');
  await ip('addr', 'add', `${serverIp}/24`, 'dev', BRIDGE);
  const names: string[] = [];
  for (let i = 0; i < taps; i++) {
    const tap = `tap${i}`;
    await ip('tuntap', 'add', 'dev', tap, 'mode', 'tap');
    await ip('link', 'set', tap, 'master', BRIDGE, 'up');
    names.push(tap);
  }
  let serverIp6: string | null = null;
  if (ipv6) {
    serverIp6 = `fd99:${subnet.toString(16)}::1`;
    await runInNetns(netns, 'sysctl', ['-qw', `net.ipv6.conf.${BRIDGE}.accept_dad=0`]);
    await ip('-6', 'addr', 'add', `${serverIp6}/64`, 'dev', BRIDGE, 'nodad');
  }
  await ip('link', 'set', BRIDGE, 'up');
  return { netns, subnet, serverIp, taps: names, serverIp6 };
}

/**
 * Gives `peerNetns` (created if missing) a leg on the lab bridge: a veth pair, one end enslaved to br0 in the
 * lab namespace, the other named `ifname` with `cidr` in the peer. Used for a second DHCP server (proxy tests).
 */
export async function attachVethNetns(labNetns: string, peerNetns: string, ifname: string, cidr: string): Promise<void> {
  if (!(await listNetns(peerNetns)).includes(peerNetns)) {
    await run('ip', ['netns', 'add', peerNetns]);
    await run('ip', ['-n', peerNetns, 'link', 'set', 'lo', 'up']);
  }
  const hostSide = `v${Math.random().toString(36).slice(2, 9)}`;
  await run('ip', ['-n', labNetns, 'link', 'add', hostSide, 'type', 'veth', 'peer', 'name', ifname, 'netns', peerNetns]);
  await run('ip', ['-n', labNetns, 'link', 'set', hostSide, 'master', BRIDGE, 'up']);
  await run('ip', ['-n', peerNetns, 'addr', 'add', cidr, 'dev', ifname]);
  await run('ip', ['-n', peerNetns, 'link', 'set', ifname, 'up']);
}

/**
 * Deletes a namespace even when things went wrong: processes still inside (leftovers of a crashed run;
 * our own were stopped by PID before) get SIGTERM, then SIGKILL, then the namespace goes. Absent = done.
 */
export async function deleteNetns(netns: string): Promise<void> {
  if (!(await listNetns(netns)).includes(netns)) return;
  const pids = async () => (await run('ip', ['netns', 'pids', netns], { allowFail: true })).stdout.split(/\s+/).filter(Boolean).map(Number);
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    const left = await pids();
    if (left.length === 0) break;
    for (const pid of left) {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
    await sleep(500);
  }
  await run('ip', ['netns', 'del', netns], { allowFail: true });
}
