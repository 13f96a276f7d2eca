// Starts a lab's boot server inside its namespace: stage0 itself, or the dnsmasq + Node HTTP baseline.
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { dnsmasqArgs, dnsmasqRaOnlyArgs } from './dnsmasq-args.ts';
import { waitForHttp, waitForUdpPort } from './ns-http.ts';
import { isRunning, spawnDetached, type LabProcess } from './processes.ts';
import { renderLabStage0Config, IPXE_DIR } from './stage0-config.ts';
import { subnetPrefix } from './netns.ts';

/** Repository root (src/lab/../..): bin/stage0 and node_modules/tsx live there. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HTTP_PORT = 8080;
const TSX_LOADER = join(REPO_ROOT, 'node_modules/tsx/dist/esm/index.mjs');

export interface ServerContext {
  netns: string;
  subnet: number;
  dir: string;
  assetsDir: string;
  dhcpMode: 'authoritative' | 'proxy';
  ipv6Ra: boolean;
  /** stage0 only: also run dnsmasq as an RA-only sender (for stage0 builds that send no RAs themselves). */
  raHelper?: boolean;
  /** Called as soon as a process exists, so the lab state knows it even if startup fails later. */
  record: (p: LabProcess) => void;
}

export interface StartedServer {
  processes: LabProcess[];
  serverLog: string;
  httpLog: string | null;
  configFile: string | null;
}

/** Writes the YAML config and runs `ip netns exec NS bin/stage0 serve --config FILE`; waits for HTTP and DHCP. */
export async function startStage0(c: ServerContext): Promise<StartedServer> {
  const configFile = join(c.dir, 'stage0.yaml');
  mkdirSync(join(c.dir, 'data'), { recursive: true });
  writeFileSync(configFile, renderLabStage0Config({ dir: c.dir, subnet: c.subnet, assetsDir: c.assetsDir, dhcpMode: c.dhcpMode, ipv6RouterAdvertisements: c.ipv6Ra, port: HTTP_PORT }));
  const serverLog = join(c.dir, 'stage0.log');
  const proc = spawnDetached('stage0', 'ip', ['netns', 'exec', c.netns, join(REPO_ROOT, 'bin/stage0'), 'serve', '--config', configFile], serverLog);
  c.record(proc);
  const started: StartedServer = { processes: [proc], serverLog, httpLog: null, configFile };
  if (c.raHelper) {
    const ra = spawnDetached('ra-helper', 'ip', ['netns', 'exec', c.netns, 'dnsmasq', ...dnsmasqRaOnlyArgs('br0', `fd99:${c.subnet.toString(16)}::`, join(c.dir, 'ra.leases'))], join(c.dir, 'ra-helper.log'));
    c.record(ra);
    started.processes.push(ra);
  }
  const alive = () => isRunning(proc);
  await waitForHttp(c.netns, `http://${subnetPrefix(c.subnet)}.1:${HTTP_PORT}/`, 60_000, alive).catch(withLog(serverLog));
  await waitForUdpPort(c.netns, 67, 15_000, alive).catch((err: Error) => {
    throw new Error(`${err.message}: stage0 answers HTTP but serves no DHCP (dhcp.mode ${c.dhcpMode} on br0 in ${configFile}) (see ${serverLog})`);
  });
  return started;
}

const withLog = (log: string) => (err: Error) => {
  throw new Error(`${err.message} (see ${log})`);
};

/** The iPXE script the baseline serves: stage0's URL layout; initrd= is needed by UEFI kernels, harmless on BIOS. */
export function baselineBootScript(serverIp: string): string {
  const base = `http://${serverIp}:${HTTP_PORT}`;
  return [
    '#!ipxe',
    'echo stage0-lab baseline: ${net0/mac} ${net0/ip} ${platform}',
    `kernel ${base}/boot/assets/vmlinuz initrd=initrd.gz console=ttyS0 panic=-1 stage0.callback=${base}/boot/callback`,
    `initrd ${base}/boot/assets/initrd.gz`,
    'boot',
    '',
  ].join('\n');
}

/** dnsmasq (DHCP + TFTP, dnsmasq's boot decision) and the Node HTTP server, both inside the namespace. */
export async function startBaseline(c: ServerContext): Promise<StartedServer> {
  const net = subnetPrefix(c.subnet);
  const www = join(c.dir, 'www');
  const tftp = join(c.dir, 'tftp');
  mkdirSync(www, { recursive: true });
  mkdirSync(tftp, { recursive: true });
  for (const f of ['undionly.kpxe', 'snponly.efi', 'ipxe.efi']) copyFileSync(join(IPXE_DIR, f), join(tftp, f));
  writeFileSync(join(www, 'boot.ipxe'), baselineBootScript(`${net}.1`));
  const serverLog = join(c.dir, 'dnsmasq.log');
  const httpLog = join(c.dir, 'http.log');
  writeFileSync(httpLog, '');
  const args = dnsmasqArgs({
    iface: 'br0',
    range: [`${net}.100`, `${net}.199`],
    leaseFile: join(c.dir, 'dnsmasq.leases'),
    boot: { tftpRoot: tftp, scriptUrl: `http://${net}.1:${HTTP_PORT}/boot.ipxe` },
    ra6Prefix: c.ipv6Ra ? `fd99:${c.subnet.toString(16)}::` : undefined,
  });
  const dnsmasq = spawnDetached('dnsmasq', 'ip', ['netns', 'exec', c.netns, 'dnsmasq', ...args], serverLog);
  c.record(dnsmasq);
  const http = spawnDetached('http', 'ip', ['netns', 'exec', c.netns, process.execPath, '--import', TSX_LOADER,
    join(REPO_ROOT, 'src/lab/baseline-http-server.ts'), `${net}.1`, String(HTTP_PORT), www, c.assetsDir, httpLog], join(c.dir, 'http.stderr.log'));
  c.record(http);
  const started = { processes: [dnsmasq, http], serverLog, httpLog, configFile: null };
  await waitForUdpPort(c.netns, 67, 15_000, () => isRunning(dnsmasq)).catch(withLog(serverLog));
  await waitForHttp(c.netns, `http://${net}.1:${HTTP_PORT}/`, 30_000, () => isRunning(http)).catch(withLog(join(c.dir, 'http.stderr.log')));
  return started;
}
