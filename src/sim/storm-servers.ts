// The two boot servers the storm is played against, started inside the server namespace: stage0 (`stage0 serve`,
// DHCP on the veth only, SQLite leases) and the peers dnsmasq (DHCP + TFTP, lease file) + nginx (HTTP).
import { copyFileSync, linkSync, mkdirSync, readFileSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { INITIAL_ADMIN_FILE } from '../auth/bootstrap-admin.ts';
import { run } from '../lab/exec.ts';
import { nsHttp } from '../lab/ns-http.ts';
import { simMac } from './boot-storm.ts';
import { nginxArgv } from './nginx-peer.ts';
import { startPinned, waitForListen, type Pinned } from './pinned-process.ts';
import { STORM_NET, stormIp } from './storm-netns.ts';

export const STORM_HTTP_PORT = 8080;
const BASE = `http://${STORM_NET.server}:${STORM_HTTP_PORT}`;
const REPO = join(import.meta.dirname, '../..');
const API = 'http://127.0.0.1:8443';

export interface StormFiles {
  tftpRoot: string;
  assets: string;
}

/** undionly.kpxe from the ipxe package, kernel and initrd of the given sizes (zeros: content does not matter). */
export function makeStormFiles(dir: string, kernelMib: number, initrdMib: number): StormFiles {
  const tftpRoot = join(dir, 'tftp');
  const assets = join(dir, 'assets');
  mkdirSync(tftpRoot, { recursive: true, mode: 0o755 });
  mkdirSync(assets, { recursive: true, mode: 0o755 });
  copyFileSync('/usr/lib/ipxe/undionly.kpxe', join(tftpRoot, 'undionly.kpxe'));
  writeFileSync(join(assets, 'vmlinuz'), Buffer.alloc(kernelMib * 1024 * 1024, 1));
  writeFileSync(join(assets, 'initrd.img'), Buffer.alloc(initrdMib * 1024 * 1024, 2));
  // Known nodes set to `shell` boot stage0's provisioning environment: the same bytes under its names.
  mkdirSync(join(assets, 'stage0-env'), { mode: 0o755 });
  linkSync(join(assets, 'vmlinuz'), join(assets, 'stage0-env', 'vmlinuz'));
  linkSync(join(assets, 'initrd.img'), join(assets, 'stage0-env', 'initrd.gz'));
  return { tftpRoot, assets };
}

export interface StartedStorm {
  name: string;
  processes: Pinned[];
  stop(): Promise<void>;
}

const stopAll = (ps: Pinned[]) => async () => {
  for (const p of ps.reverse()) await p.stop();
};

/**
 * stage0 serve with DHCP on sv0 only; `known` nodes (simMac(i) → stormIp(i)) are registered through the CLI.
 * `httpOnlyOn`: no DHCP/TFTP, boot HTTP on that address (the HTTP bench, on loopback).
 */
export async function startStage0Storm(o: { netns: string; dir: string; files: StormFiles; known: number; core: string; cpuProf?: string; httpOnlyOn?: string; exclusive?: boolean }): Promise<StartedStorm> {
  const httpAddress = o.httpOnlyOn ?? STORM_NET.server;
  const base = `http://${httpAddress}:${STORM_HTTP_PORT}`;
  const full = {
    dataDir: join(o.dir, 'data'),
    ...(o.exclusive && { store: { exclusive: true } }),
    // API on loopback (plain HTTP, for the CLI); firmware endpoints on the plain boot listener on the veth.
    api: { listen: '127.0.0.1', port: Number(new URL(API).port) },
    log: { level: 'warn' },
    boot: {
      httpBase: base,
      http: { enabled: true, listen: httpAddress, port: STORM_HTTP_PORT },
      assetsDir: o.files.assets,
      ipxeDir: o.files.tftpRoot,
      default: { kernel: 'vmlinuz', initrd: 'initrd.img', cmdline: 'console=ttyS0 stage0.sim=1' },
    },
    tftp: { enabled: true, listen: STORM_NET.server, port: 69 },
    dhcp: {
      mode: 'authoritative',
      interfaces: [STORM_NET.serverIf],
      subnets: [{ cidr: `10.97.0.0/${STORM_NET.prefix}`, pool: [{ start: STORM_NET.poolStart, end: STORM_NET.poolEnd }] }],
    },
  };
  const { tftp: _t, dhcp: _d, ...httpOnly } = full;
  const config = o.httpOnlyOn ? httpOnly : full;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(o.dir, 'stage0.yaml');
  writeFileSync(file, stringify(config));
  // --cpu-prof is refused in NODE_OPTIONS: run the CLI entry directly (what bin/stage0 execs) when profiling.
  const argv = o.cpuProf
    ? [process.execPath, '--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`, '--import', join(REPO, 'node_modules/tsx/dist/esm/index.mjs'), join(REPO, 'src/cli/main.ts')]
    : [join(REPO, 'bin/stage0')];
  const p = startPinned(o.core, [...argv, 'serve', '--config', file], { netns: o.netns, log: join(o.dir, 'stage0.log') });
  const alive = () => p.child.exitCode === null;
  try {
    await waitForListen(o.netns, 'tcp', STORM_HTTP_PORT, 60_000, alive);
    if (!o.httpOnlyOn) {
      await waitForListen(o.netns, 'udp', 67, 15_000, alive);
      await waitForListen(o.netns, 'udp', 69, 15_000, alive);
    }
    if (o.known > 0) {
      const nodes = Array.from({ length: o.known }, (_, i) => ({ name: `sim${String(i).padStart(5, '0')}`, macs: [simMac(i)], attrs: { ip: stormIp(i) } }));
      const doc = join(o.dir, 'nodes.yaml');
      writeFileSync(doc, JSON.stringify({ apiVersion: 'stage0/v1', nodes }));
      // The first-start administrator's one-time password → an API token for the CLI (as an operator would).
      const password = readFileSync(join(config.dataDir, INITIAL_ADMIN_FILE), 'utf8').trim();
      const login = await nsHttp(o.netns, 'POST', `${API}/api/v1/auth/login`, { user: 'admin', password, tokenName: 'boot-storm' });
      if (login.status !== 200) throw new Error(`admin login failed: HTTP ${login.status} ${login.body}`);
      const token = (JSON.parse(login.body) as { token: string }).token;
      const cli = (...args: string[]) => run('ip', ['netns', 'exec', o.netns, 'env', `STAGE0_URL=${API}`, `STAGE0_TOKEN=${token}`, join(REPO, 'bin/stage0'), ...args], { timeoutMs: 120_000 });
      await cli('apply', '-f', doc);
      // Known nodes without a boot state boot their disk; `shell` sends them the provisioning environment (kernel + initrd).
      await cli('nodeset', `sim00000-sim${String(o.known - 1).padStart(5, '0')}`, 'shell', '--cause', 'boot-storm');
    }
  } catch (err) {
    await p.stop();
    throw new Error(`${(err as Error).message} (see ${join(o.dir, 'stage0.log')})`);
  }
  return { name: 'stage0', processes: [p], stop: stopAll([p]) };
}

/** dnsmasq (DHCP on sv0 + TFTP, lease file, known nodes as dhcp-host lines) and nginx serving the same files. */
export async function startDnsmasqNginx(o: { netns: string; dir: string; files: StormFiles; known: number; core: string }): Promise<StartedStorm> {
  const www = join(o.dir, 'www');
  mkdirSync(www, { recursive: true });
  symlinkSync(o.files.assets, join(www, 'assets'));
  // The same script stage0 renders for the default plan, as a static file.
  writeFileSync(join(www, 'boot.ipxe'), ['#!ipxe', `kernel ${BASE}/assets/vmlinuz initrd=initrd.img console=ttyS0 stage0.sim=1 || goto failed`,
    `initrd ${BASE}/assets/initrd.img || goto failed`, 'boot || goto failed', ':failed', 'sleep 10', 'reboot', ''].join('\n'));
  const hosts = join(o.dir, 'dhcp-hosts');
  writeFileSync(hosts, Array.from({ length: o.known }, (_, i) => `${simMac(i)},${stormIp(i)}\n`).join(''));
  const dnsmasq = startPinned(o.core, [
    'dnsmasq', '--no-daemon', '--conf-file=/dev/null', '--port=0', '--no-resolv', '--no-hosts', '--user=root', `--pid-file=${join(o.dir, 'dnsmasq.pid')}`,
    '--bind-interfaces', `--interface=${STORM_NET.serverIf}`, '--except-interface=lo',
    `--dhcp-range=${STORM_NET.poolStart},${STORM_NET.poolEnd},${STORM_NET.mask},1h`, `--dhcp-leasefile=${join(o.dir, 'dnsmasq.leases')}`,
    `--dhcp-hostsfile=${hosts}`, '--dhcp-authoritative', '--dhcp-lease-max=10000',
    // The clients' namespace owns every pool address, so dnsmasq's ping-before-offer would find them all "in use".
    '--no-ping',
    '--enable-tftp', `--tftp-root=${o.files.tftpRoot}`, '--tftp-max=5000',
    '--dhcp-userclass=set:ipxe,iPXE', '--dhcp-boot=tag:!ipxe,undionly.kpxe', `--dhcp-boot=tag:ipxe,${BASE}/boot.ipxe`, '--log-facility=-',
  ], { netns: o.netns, log: join(o.dir, 'dnsmasq.log') });
  const nginx = startPinned(o.core, nginxArgv(o.dir, www, `${STORM_NET.server}:${STORM_HTTP_PORT}`), { netns: o.netns, log: join(o.dir, 'nginx.log') });
  const ps = [dnsmasq, nginx];
  try {
    await waitForListen(o.netns, 'udp', 67, 15_000, () => dnsmasq.child.exitCode === null);
    await waitForListen(o.netns, 'tcp', STORM_HTTP_PORT, 15_000, () => nginx.child.exitCode === null);
  } catch (err) {
    await stopAll(ps)();
    throw new Error(`${(err as Error).message} (see ${o.dir}/dnsmasq.log, nginx-error.log)`);
  }
  return { name: 'dnsmasq+nginx', processes: ps, stop: stopAll(ps) };
}
