// A lab for provisioning tests: stage0 with the provisioning environment as the default boot (no boot.default),
// no node registered, an authenticated API client, and QEMU machines with a disk, SMP and SMBIOS identity.
import { existsSync, readFileSync, truncateSync, writeFileSync, closeSync, openSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { labDown } from '../../../src/lab/lab-down.ts';
import { labPaths, listLabStates, loadLabState, saveLabState, type LabState } from '../../../src/lab/lab-state.ts';
import { HTTP_PORT, REPO_ROOT } from '../../../src/lab/lab-servers.ts';
import { createLabNetns } from '../../../src/lab/netns.ts';
import { runInNetns } from '../../../src/lab/exec.ts';
import { waitForHttp, waitForUdpPort } from '../../../src/lab/ns-http.ts';
import { isRunning, spawnDetached } from '../../../src/lab/processes.ts';
import { labStage0Config } from '../../../src/lab/stage0-config.ts';
import { QEMU, qemuArgs, requireQemu, vmMac, type Firmware, type VmProcess } from '../../../src/lab/qemu-vm.ts';
import { buildProvisionEnv, type ProvisionEnv } from '../../../src/provision-env/build-env.ts';
import { PROVISION_ENV_ASSET_DIR } from '../../../src/boot/boot-settings.ts';
import { assertLabGone, E2E_LAB_ROOT, labDiagnostics, requireRoot, uniqueLabName } from './lab-harness.ts';

export interface ApiReply {
  status: number;
  body: any;
}

export interface ProvisionLab {
  state: LabState;
  env: ProvisionEnv;
  /** A request to stage0's API inside the namespace, as its first-start administrator when auth is on. */
  api(method: string, path: string, body?: unknown): Promise<ApiReply>;
  /** Starts a QEMU machine on tap0 (one per lab): network boot first, optional virtio disk, SMBIOS identity. */
  startVm(spec: LabVmSpec): VmProcess;
}

export interface LabVmSpec {
  name: string;
  /** Default: a MAC no node has (52:54:00 + lab seed + 0xee). */
  mac?: string;
  uuid: string;
  smp?: number;
  memMiB?: number;
  smbios?: { serial?: string; manufacturer?: string; product?: string };
  disk?: { bytes: number; serial: string };
}

function freeSubnet(root: string): number {
  const used = new Set(listLabStates(root).map((s) => s.subnet));
  for (let n = 1; n <= 250; n++) if (!used.has(n)) return n;
  throw new Error('250 labs exist: run `stage0 lab down --all`');
}

async function curlJson(netns: string, method: string, url: string, body: unknown, token: string | undefined): Promise<ApiReply> {
  const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '--max-time', '10', '-X', method];
  if (token) args.push('-H', `authorization: Bearer ${token}`);
  if (body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', '@-');
  args.push(url);
  const r = await runInNetns(netns, 'curl', args, { allowFail: true, input: body === undefined ? undefined : JSON.stringify(body), timeoutMs: 15_000 });
  const cut = r.stdout.lastIndexOf('\n');
  const text = r.stdout.slice(0, Math.max(cut, 0));
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* text/plain answers stay text */ }
  return { status: Number(r.stdout.slice(cut + 1)) || 0, body: parsed };
}

/**
 * Brings the lab up (namespace, stage0 with IPv6 RAs so iPXE does not wait for SLAAC), runs body, and always
 * tears everything down and checks nothing is left. `config` is merged into the top level of stage0's config.
 */
export async function withProvisionLab<T>(purpose: string, firmware: Firmware, body: (lab: ProvisionLab) => Promise<T>, config: Record<string, unknown> = {}): Promise<T> {
  requireRoot();
  requireQemu(firmware);
  const root = E2E_LAB_ROOT;
  const paths = labPaths(root);
  const env = await buildProvisionEnv({ outDir: join(paths.assets, PROVISION_ENV_ASSET_DIR) });
  const name = uniqueLabName(purpose);
  const dir = paths.lab(name);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const subnet = freeSubnet(root);
  const serverIp = `10.99.${subnet}.1`;
  const state: LabState = {
    name, netns: `s0lab-${name}`, extraNetns: [], subnet, serverIp, serverUrl: `http://${serverIp}:${HTTP_PORT}`, server: 'stage0', firmware, dir,
    createdAt: new Date().toISOString(), serverLog: join(dir, 'stage0.log'), httpLog: null, configFile: join(dir, 'stage0.yaml'), processes: [], vms: [], nodes: [],
  };
  saveLabState(root, state);
  try {
    await createLabNetns(state.netns, subnet, 1, true);
    const cfg = labStage0Config({ dir, subnet, assetsDir: paths.assets, dhcpMode: 'authoritative', ipv6RouterAdvertisements: true, port: HTTP_PORT }) as { boot: Record<string, unknown> };
    delete cfg.boot.default; // unknown machines get the provisioning environment in discover mode
    writeFileSync(state.configFile!, stringify({ ...cfg, ...config }));
    const proc = spawnDetached('stage0', 'ip', ['netns', 'exec', state.netns, join(REPO_ROOT, 'bin/stage0'), 'serve', '--config', state.configFile!], state.serverLog);
    state.processes.push(proc);
    saveLabState(root, state);
    await waitForHttp(state.netns, `${state.serverUrl}/`, 60_000, () => isRunning(proc));
    await waitForUdpPort(state.netns, 67, 15_000, () => isRunning(proc));
    const pwFile = join(dir, 'data', 'initial-admin-password');
    let token: string | undefined;
    if (existsSync(pwFile)) {
      const login = await curlJson(state.netns, 'POST', `${state.serverUrl}/api/v1/auth/login`, { user: 'admin', password: readFileSync(pwFile, 'utf8').trim(), tokenName: 'e2e' }, undefined);
      if (login.status !== 200) throw new Error(`admin login failed: HTTP ${login.status} ${JSON.stringify(login.body)}`);
      token = (login.body as { token: string }).token;
    }
    const seed = subnet * 256 + 0x5e;
    const lab: ProvisionLab = {
      state, env,
      api: (method, path, b) => curlJson(state.netns, method, `${state.serverUrl}${path}`, b, token),
      startVm(spec) {
        const mac = spec.mac ?? vmMac(seed, 0xee);
        const serialLog = join(dir, `${spec.name}.serial.log`);
        const args = qemuArgs({ name: spec.name, netns: state.netns, tap: 'tap0', mac, firmware, dir, memMiB: spec.memMiB ?? 512, uuid: spec.uuid, serialLog, varsFile: join(dir, `${spec.name}.OVMF_VARS.fd`) });
        if (firmware === 'uefi') writeFileSync(join(dir, `${spec.name}.OVMF_VARS.fd`), readFileSync('/usr/share/OVMF/OVMF_VARS_4M.fd'));
        const smp = args.indexOf('-smp');
        args[smp + 1] = String(spec.smp ?? 1);
        if (spec.smbios) {
          const s = spec.smbios;
          args.push('-smbios', ['type=1', s.manufacturer && `manufacturer=${s.manufacturer}`, s.product && `product=${s.product}`, s.serial && `serial=${s.serial}`].filter(Boolean).join(','));
        }
        if (spec.disk) {
          const file = join(dir, `${spec.name}.disk.raw`);
          closeSync(openSync(file, 'w'));
          truncateSync(file, spec.disk.bytes); // sparse
          args.push('-drive', `file=${file},if=none,id=d0,format=raw`, '-device', `virtio-blk-pci,drive=d0,serial=${spec.disk.serial}`);
        }
        const startedAt = new Date().toISOString();
        const p = spawnDetached(`vm:${spec.name}`, 'ip', ['netns', 'exec', state.netns, QEMU, ...args], join(dir, `${spec.name}.qemu.log`));
        const vm: VmProcess = { ...p, name: spec.name, mac, uuid: spec.uuid, firmware, tap: 'tap0', serialLog, startedAt };
        state.vms.push(vm);
        state.nodes.push({ name: spec.name, mac, tap: 'tap0' });
        saveLabState(root, state);
        return vm;
      },
    };
    return await body(lab);
  } catch (err) {
    const latest = loadLabState(root, name) ?? state;
    process.stderr.write(`\n===== ${name} failed: ${(err as Error).message}\n${await labDiagnostics(latest).catch(() => '')}\n`);
    throw err;
  } finally {
    const latest = loadLabState(root, name) ?? state;
    await labDown(root, name);
    await assertLabGone(latest);
  }
}
