// A whole lab: namespace + bridge + taps, a boot server (stage0 or the dnsmasq baseline), nodes registered, VMs booting.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBootAssets } from './boot-assets.ts';
import { labPaths, listLabStates, saveLabState, type LabServer, type LabState } from './lab-state.ts';
import { startBaseline, startStage0, HTTP_PORT } from './lab-servers.ts';
import { attachVethNetns, createLabNetns, LAB_NETNS_PREFIX, subnetPrefix } from './netns.ts';
import { nsHttp } from './ns-http.ts';
import { requireQemu, startVm, vmMac, type Firmware } from './qemu-vm.ts';
import { labDown } from './lab-down.ts';
import { IPXE_DIR } from './stage0-config.ts';
import { spawnDetached } from './processes.ts';
import { bmcVms, startLabBmcs, type LabBmcKind } from './lab-bmc.ts';

export interface LabUpOptions {
  /** Lab root: cache/, assets/, labs/<name>/. */
  root: string;
  nodes: number;
  firmware?: Firmware;
  /** Default: a short unique name from the PID and random bytes. */
  name?: string;
  /** stage0 (default) or the dnsmasq baseline. */
  server?: LabServer;
  dhcpMode?: 'authoritative' | 'proxy';
  /** Ask the server for IPv6 router advertisements (iPXE otherwise waits ~13 s for IPv6 autoconf). */
  ipv6Ra?: boolean;
  /** stage0 only: run dnsmasq as an RA-only sender beside stage0 (implies the IPv6 prefix on br0). */
  raHelper?: boolean;
  /** false: set everything up but leave the VMs to startLabVms (e.g. to attach another DHCP server first). */
  startVms?: boolean;
  memMiB?: number;
  /** 'redfish' or 'ipmi': each VM gets a BMC (lab-bmc.ts) and stage0 powers it on (rpower), instead of QEMU starting at once. */
  bmc?: LabBmcKind;
}

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,24}$/;

function requireFiles(server: LabServer): void {
  const missing = ['undionly.kpxe', 'snponly.efi', 'ipxe.efi'].filter((f) => !existsSync(`${IPXE_DIR}/${f}`));
  if (missing.length) throw new Error(`missing ${missing.join(', ')} in ${IPXE_DIR}: apt-get install ipxe`);
  const path = (process.env.PATH ?? '').split(':');
  const need = server === 'dnsmasq' ? [['dnsmasq', 'dnsmasq-base'], ['curl', 'curl']] : [['curl', 'curl']];
  for (const [bin, pkg] of need) {
    if (!path.some((d) => existsSync(`${d}/${bin}`))) throw new Error(`${bin} not found: apt-get install ${pkg}`);
  }
}

/** Lowest N in 1..250 no other lab of this root uses (namespaces are isolated; distinct N keeps logs unambiguous). */
function freeSubnet(root: string): number {
  const used = new Set(listLabStates(root).map((s) => s.subnet));
  for (let n = 1; n <= 250; n++) if (!used.has(n)) return n;
  throw new Error('250 labs exist: run `stage0 lab down --all`');
}

/** Brings a lab up; on any failure everything already started is undone before the error propagates. */
export async function labUp(o: LabUpOptions): Promise<LabState> {
  const firmware = o.firmware ?? 'bios';
  const server = o.server ?? 'stage0';
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 50) throw new Error('--nodes must be 1..50');
  const name = o.name ?? `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
  if (!NAME_RE.test(name)) throw new Error(`lab name ${JSON.stringify(name)} must match ${NAME_RE}`);
  if (existsSync(labPaths(o.root).state(name))) throw new Error(`lab ${name} exists: stage0 lab down --name ${name}`);
  requireQemu(firmware);
  requireFiles(server);
  if (o.bmc && server !== 'stage0') throw new Error('--bmc needs the stage0 server (the baseline has no power control)');
  const paths = labPaths(o.root);
  await buildBootAssets(paths.cache, paths.assets);

  const dir = paths.lab(name);
  mkdirSync(dir, { recursive: true });
  const subnet = freeSubnet(o.root);
  const serverIp = `${subnetPrefix(subnet)}.1`;
  const seed = parseInt(createHash('sha1').update(name).digest('hex').slice(0, 4), 16);
  const state: LabState = {
    name, netns: `${LAB_NETNS_PREFIX}${name}`, extraNetns: [], subnet, serverIp, serverUrl: `http://${serverIp}:${HTTP_PORT}`,
    server, firmware, dir, createdAt: new Date().toISOString(), serverLog: '', httpLog: null, configFile: null,
    processes: [], vms: [],
    nodes: Array.from({ length: o.nodes }, (_, i) => ({ name: `vm${i}`, mac: vmMac(seed, i), tap: `tap${i}` })),
  };
  saveLabState(o.root, state); // from here on, labDown can undo whatever exists
  try {
    await createLabNetns(state.netns, subnet, o.nodes, (o.ipv6Ra || o.raHelper) ?? false);
    const ctx = {
      netns: state.netns, subnet, dir, assetsDir: paths.assets, dhcpMode: o.dhcpMode ?? 'authoritative', ipv6Ra: o.ipv6Ra ?? false, raHelper: o.raHelper ?? false,
      record: (p: LabState['processes'][number]) => {
        state.processes.push(p);
        saveLabState(o.root, state);
      },
    } as const;
    const started = server === 'stage0' ? await startStage0(ctx) : await startBaseline(ctx);
    Object.assign(state, { serverLog: started.serverLog, httpLog: started.httpLog, configFile: started.configFile });
    saveLabState(o.root, state);
    const bmcAttrs = o.bmc ? await startLabBmcs(state, o.bmc, ctx.record, o.memMiB) : undefined;
    if (server === 'stage0') await registerNodes(state, bmcAttrs, await labApiHeaders(state));
    if ((o.startVms ?? true) && bmcAttrs) await powerOnLabVms(o.root, state);
    else if (o.startVms ?? true) await startLabVms(o.root, state, o.memMiB);
    return state;
  } catch (err) {
    // The lab dir (and its logs) goes with labDown: keep the log tails in the error.
    const why = err instanceof Error ? err.message : String(err);
    const logs = tailLogs(dir, 25);
    await labDown(o.root, name).catch(() => {});
    throw new Error(`lab ${name} did not come up: ${why}${logs ? `\n${logs}` : ''}`, { cause: err });
  }
}

/** The last `lines` lines of every *.log file in dir, each under a header; '' when there are none. */
export function tailLogs(dir: string, lines: number): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'latin1').replace(/\x1b\[[0-9;?=]*[a-zA-Z]/g, '').replace(/\r/g, '');
      return `----- ${f} (last ${lines} lines) -----\n${text.split('\n').slice(-lines - 1).join('\n')}`;
    })
    .join('\n');
}

/**
 * Headers for stage0's API inside the lab: when stage0 made a first-start administrator (auth on), log in once as it
 * and keep the token in <lab>/api-token (0600) for later commands and tests; {} when the server has no auth.
 */
export async function labApiHeaders(state: LabState): Promise<Record<string, string>> {
  const tokenFile = join(state.dir, 'api-token');
  if (existsSync(tokenFile)) return { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` };
  const pwFile = join(state.dir, 'data', 'initial-admin-password');
  if (!existsSync(pwFile)) return {};
  const login = await nsHttp(state.netns, 'POST', `${state.serverUrl}/api/v1/auth/login`, { user: 'admin', password: readFileSync(pwFile, 'utf8').trim(), tokenName: `lab ${state.name}` });
  if (login.status !== 200) throw new Error(`lab admin login: HTTP ${login.status} ${login.body.slice(0, 300)}`);
  const token = (JSON.parse(login.body) as { token: string }).token;
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  return { authorization: `Bearer ${token}` };
}

/** POST /api/v1/nodes { name, macs, attrs (bmc.* with --bmc) } for each VM, from inside the namespace. */
async function registerNodes(state: LabState, attrs: Map<string, Record<string, string | number | boolean>> | undefined, headers: Record<string, string>): Promise<void> {
  for (const n of state.nodes) {
    const r = await nsHttp(state.netns, 'POST', `${state.serverUrl}/api/v1/nodes`, { name: n.name, macs: [n.mac], ...(attrs?.get(n.name) && { attrs: attrs.get(n.name) }) }, headers);
    if (r.status < 200 || r.status > 299) throw new Error(`registering ${n.name} (${n.mac}) with stage0: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  }
}

/** `rpower all on` through stage0 (which asks each VM's lab BMC); the VMs the BMCs start become the lab's VMs. */
export async function powerOnLabVms(root: string, state: LabState): Promise<LabState> {
  const since = new Date().toISOString();
  const r = await nsHttp(state.netns, 'POST', `${state.serverUrl}/api/v1/power/rpower`, { noderange: state.nodes.map((n) => n.name).join(','), state: 'on' }, await labApiHeaders(state));
  const failed = r.status === 200 ? (JSON.parse(r.body) as { items: { node: string; ok: boolean; error?: string }[] }).items.filter((i) => !i.ok) : [];
  if (r.status !== 200 || failed.length) throw new Error(`rpower on through the lab BMCs: ${r.status !== 200 ? `HTTP ${r.status} ${r.body.slice(0, 300)}` : failed.map((f) => `${f.node}: ${f.error}`).join('; ')}`);
  state.vms = bmcVms(state, since);
  saveLabState(root, state);
  return state;
}

/** Starts one QEMU per node (one after another; each boots on its own tap). */
export async function startLabVms(root: string, state: LabState, memMiB?: number): Promise<LabState> {
  for (const n of state.nodes) {
    if (state.vms.some((v) => v.name === n.name)) continue;
    const vm = startVm({ name: n.name, netns: state.netns, tap: n.tap, mac: n.mac, firmware: state.firmware, dir: state.dir, memMiB });
    state.vms.push(vm);
    saveLabState(root, state);
  }
  return state;
}

/**
 * Gives another namespace (created if needed, deleted with the lab) a leg on the lab bridge, e.g. for a
 * foreign DHCP server in ProxyDHCP tests. Returns the namespace name.
 */
export async function labAttachNetns(root: string, state: LabState, suffix: string, ifname: string, cidr: string): Promise<string> {
  const peer = `${state.netns}-${suffix}`;
  state.extraNetns.push(peer);
  saveLabState(root, state);
  await attachVethNetns(state.netns, peer, ifname, cidr);
  return peer;
}

/** Starts a helper process (e.g. a foreign dnsmasq) inside one of the lab's namespaces; `lab down` stops it by PID. */
export function labSpawn(root: string, state: LabState, role: string, netns: string, cmd: string, args: readonly string[]): LabState['processes'][number] {
  const p = spawnDetached(role, 'ip', ['netns', 'exec', netns, cmd, ...args], `${state.dir}/${role}.log`);
  state.processes.push(p);
  saveLabState(root, state);
  return p;
}
