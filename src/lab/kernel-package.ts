// Takes a Debian kernel .deb (apt-get download, cached) apart: vmlinuz and the NIC modules plus their dependencies.
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { basename, join } from 'node:path';
import { run } from './exec.ts';

/**
 * The modules the lab VMs need: virtio_net (every lab VM's NIC: iPXE's ROM under SeaBIOS, OVMF's own driver under
 * UEFI). virtio_pci is listed on its own because it is the bus transport virtio_net binds through, not a symbol
 * dependency of it. Both Debian flavours (generic and cloud) carry them, so the lab boots from either.
 */
export const NIC_MODULES = ['virtio_pci', 'virtio_net'] as const;

export interface KernelFiles {
  /** Package file name, e.g. linux-image-6.1.0-56-amd64_6.1.147-1_amd64.deb (the cache key). */
  deb: string;
  vmlinuz: string;
  /** Module files (uncompressed .ko) in load order, dependencies first. */
  modules: { name: string; path: string }[];
  /** Wanted modules this kernel has built in (nothing to load; they are there at boot). */
  builtin: string[];
  /** Optional modules this kernel has neither as a file nor built in (the cloud flavour lacks e1000 and ahci). */
  absent: string[];
}

/** The running kernel's package if Debian has it (uname -r like 6.1.0-56-amd64), else linux-image-amd64's. */
export async function chooseKernelPackage(): Promise<string> {
  const running = `linux-image-${release()}`;
  if (/^\d+\.\d+\.\d+-\d+-amd64$/.test(release())) {
    const r = await run('apt-cache', ['show', '--no-all-versions', running], { allowFail: true });
    if (r.code === 0 && r.stdout.includes('Package:')) return running;
  }
  const deps = await run('apt-cache', ['depends', 'linux-image-amd64'], { allowFail: true });
  const m = /Depends: (linux-image-\d[^\s]*-amd64)/.exec(deps.stdout);
  if (!m?.[1]) throw new Error('cannot find a Debian kernel package: run apt-get update (linux-image-amd64 unknown to apt)');
  return m[1];
}

/** apt-get download into cacheDir unless a .deb of that package is already there; returns its path. */
export async function downloadKernelDeb(cacheDir: string, pkg: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const cached = () => readdirSync(cacheDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!cached()) {
    // The sandbox user _apt cannot write to root-owned temporary directories: download as root.
    await run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', pkg], { cwd: cacheDir, timeoutMs: 600_000 });
  }
  const deb = cached();
  if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb in ${cacheDir}`);
  return join(cacheDir, deb);
}

/** Where kernel packages may already sit on an offline machine (after the cache the caller names). */
export const KERNEL_DEB_DIRS = ['/var/tmp/stage0-lab/cache/debs', '/var/tmp/stage0-env-cache/debs', '/var/cache/apt/archives'];

/** linux-image-<ver>-amd64 (generic) or linux-image-<ver>-cloud-amd64 (cloud: virtio and NVMe, no e1000 or ahci). */
const KERNEL_DEB = /^linux-image-(\d+\.\d+\.\d+-\d+)-(cloud-)?amd64_[^_]+_amd64\.deb$/;

export interface CachedKernelDeb {
  path: string;
  flavour: 'generic' | 'cloud';
}

const newer = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};

/** Kernel packages found in dirs (each read once), best first: generic before cloud (it drives more hardware), then newest. */
export function findCachedKernelDebs(dirs: readonly string[]): CachedKernelDeb[] {
  const found: (CachedKernelDeb & { version: number[] })[] = [];
  for (const d of new Set(dirs)) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      const m = KERNEL_DEB.exec(f);
      if (m) found.push({ path: join(d, f), flavour: m[2] ? 'cloud' : 'generic', version: m[1]!.split(/[.-]/).map(Number) });
    }
  }
  found.sort((x, y) => (x.flavour === y.flavour ? newer(y.version, x.version) : x.flavour === 'generic' ? -1 : 1));
  return found.map(({ path, flavour }) => ({ path, flavour }));
}

/** A failed download is not retried for this long: an offline machine would otherwise wait on apt for every build. */
const DOWNLOAD_RETRY_MS = 10 * 60_000;

/**
 * The kernel package to build from: an explicit .deb; else the package apt names (running kernel, else
 * linux-image-amd64's), already in cacheDir/debs or downloaded there; when the mirror cannot be reached, the best
 * kernel package already on this machine (KERNEL_DEB_DIRS: earlier downloads, apt's own archive), said on stderr.
 */
export async function locateKernelDeb(cacheDir: string, explicit?: string, searchDirs: readonly string[] = KERNEL_DEB_DIRS): Promise<string> {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`kernel package ${explicit} does not exist`);
    return explicit;
  }
  const debs = join(cacheDir, 'debs');
  mkdirSync(debs, { recursive: true });
  const failedMark = join(debs, '.download-failed');
  let failure: string;
  const failedAt = existsSync(failedMark) ? statSync(failedMark).mtime : undefined;
  if (failedAt && Date.now() - failedAt.getTime() < DOWNLOAD_RETRY_MS) {
    failure = `${readFileSync(failedMark, 'utf8').trim()} (at ${failedAt.toISOString()}; not retried for ${DOWNLOAD_RETRY_MS / 60_000} min)`;
  } else {
    try {
      const deb = await downloadKernelDeb(debs, await chooseKernelPackage());
      rmSync(failedMark, { force: true });
      return deb;
    } catch (err) {
      const msg = (err as Error).message;
      failure = (msg.includes('E: ') ? msg.slice(msg.indexOf('E: ')) : msg).split('\n')[0] ?? msg; // apt's own reason
      writeFileSync(failedMark, `${failure}\n`);
    }
  }
  const found = findCachedKernelDebs([debs, ...searchDirs]);
  const best = found[0];
  if (!best) {
    throw new Error(`no Debian kernel package: download failed (${failure}) and none is cached in ${[debs, ...searchDirs].join(', ')}; ` +
      'when the mirror is reachable run `apt-get update`, or put a linux-image-*-amd64 .deb in one of those directories');
  }
  process.stderr.write(`stage0: kernel package download failed (${failure}); using ${best.path} (${best.flavour} flavour, already on this machine)\n`);
  return best.path;
}

/** `dpkg-deb --fsys-tarfile deb | tar -x` of the given members only (the whole package is ~400 MB unpacked). */
function extractMembers(deb: string, dir: string, patterns: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tar = spawn('tar', ['-x', '-C', dir, '--wildcards', ...patterns], { stdio: ['pipe', 'ignore', 'inherit'] });
    dpkg.stdout.pipe(tar.stdin);
    dpkg.on('error', reject);
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`extracting ${deb}: tar exit ${code}`))));
  });
}

function findFiles(dir: string, out: Map<string, string> = new Map()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findFiles(p, out);
    else if (/\.ko(\.(xz|zst|gz))?$/.test(e.name)) out.set(e.name.replace(/\.ko(\..*)?$/, ''), p);
  }
  return out;
}

/** The `depends=` entry of a module's .modinfo section (NUL-separated key=value strings), as modinfo -F depends. */
export function moduleDepends(ko: Buffer): string[] {
  const at = ko.indexOf('\0depends=');
  if (at < 0) return [];
  const start = at + '\0depends='.length;
  const value = ko.subarray(start, ko.indexOf(0, start)).toString('latin1');
  return value.split(',').filter(Boolean);
}

/** Decompresses .ko.xz/.ko.zst/.ko.gz (newer kernels) or copies a plain .ko (Debian 12's 6.1). */
function decompress(src: string, dest: string): Promise<void> {
  const tool = src.endsWith('.xz') ? 'xz' : src.endsWith('.zst') ? 'zstd' : src.endsWith('.gz') ? 'gzip' : null;
  if (!tool) return Promise.resolve(copyFileSync(src, dest));
  const pkg = tool === 'xz' ? 'xz-utils' : tool;
  return new Promise((resolve, reject) => {
    const fd = openSync(dest, 'w');
    const child = spawn(tool, ['-dc', src], { stdio: ['ignore', fd, 'inherit'] });
    child.on('error', (err) => reject(new Error(`cannot run ${tool}: ${err.message}; apt-get install ${pkg}`)));
    child.on('close', (code) => {
      closeSync(fd);
      code === 0 ? resolve() : reject(new Error(`${tool} -dc ${src}: exit ${code}`));
    });
  });
}

/**
 * The module trees searched for wanted modules and their dependencies (NICs, virtio, storage and the block/CRC
 * helpers they use); extracting only these keeps the ~400 MB package out of the disk cache.
 */
const MODULE_TREES = ['drivers/net', 'drivers/virtio', 'net/core', 'drivers/ata', 'drivers/block', 'drivers/scsi', 'drivers/nvme', 'block', 'lib', 'crypto', 'arch/x86/crypto'];

/** Module names (underscored) listed in the package's modules.builtin: compiled into vmlinuz, nothing to load. */
function builtinModules(x: string): Set<string> {
  const root = join(x, 'lib', 'modules');
  const names = new Set<string>();
  for (const ver of existsSync(root) ? readdirSync(root) : []) {
    const file = join(root, ver, 'modules.builtin');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /([^/]+)\.ko$/.exec(line.trim());
      if (m?.[1]) names.add(m[1].replace(/-/g, '_'));
    }
  }
  return names;
}

/**
 * Extracts vmlinuz and the wanted modules (default NIC_MODULES, with their `depends=` closure) into outDir. A wanted
 * module must be in the package, as a file or built in; an optional one is taken when the package has it.
 */
export async function extractKernel(deb: string, outDir: string, wanted: readonly string[] = NIC_MODULES, optional: readonly string[] = []): Promise<KernelFiles> {
  const x = join(outDir, 'x');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(x, { recursive: true });
  await extractMembers(deb, x, ['./boot/vmlinuz-*', './lib/modules/*/modules.builtin', ...MODULE_TREES.map((t) => `./lib/modules/*/kernel/${t}/*`)]);
  const vmlinuzName = readdirSync(join(x, 'boot')).find((f) => f.startsWith('vmlinuz-'));
  if (!vmlinuzName) throw new Error(`no vmlinuz in ${deb}`);
  const available = findFiles(join(x, 'lib'));
  const inKernel = builtinModules(x);
  const order: string[] = [];
  const builtin: string[] = [];
  const absent: string[] = [];
  const visit = async (name: string, top: 'wanted' | 'optional' | 'dependency'): Promise<void> => {
    const norm = name.replace(/-/g, '_');
    if (order.includes(norm) || builtin.includes(norm)) return;
    const file = available.get(norm) ?? available.get(name);
    if (!file) {
      if (inKernel.has(norm)) {
        if (top !== 'dependency') builtin.push(norm);
        return;
      }
      if (top === 'optional') return void absent.push(norm);
      // A dependency that is neither a file nor listed as built in: older packages lack modules.builtin; trust depends=.
      if (top === 'dependency') return;
      throw new Error(`module ${name} not found in ${basename(deb)} (neither a .ko nor built in)`);
    }
    const dest = join(outDir, `${norm}.ko`);
    await decompress(file, dest);
    for (const d of moduleDepends(readFileSync(dest))) await visit(d, 'dependency');
    order.push(norm);
  };
  for (const m of wanted) await visit(m, 'wanted');
  for (const m of optional) await visit(m, 'optional');
  const modules = order.map((name) => ({ name, path: join(outDir, `${name}.ko`) }));
  const vmlinuz = join(outDir, 'vmlinuz');
  copyFileSync(join(x, 'boot', vmlinuzName), vmlinuz);
  rmSync(x, { recursive: true, force: true });
  writeFileSync(join(outDir, 'complete.json'), JSON.stringify({ deb: basename(deb), wanted, optional, modules: order, builtin, absent }));
  return { deb: basename(deb), vmlinuz, modules, builtin, absent };
}

/** Returns the files of an earlier extractKernel of the same .deb and module lists, or null. */
export function cachedKernel(deb: string, outDir: string, wanted: readonly string[] = NIC_MODULES, optional: readonly string[] = []): KernelFiles | null {
  let info: { deb?: string; wanted?: string[]; optional?: string[]; modules?: string[]; builtin?: string[]; absent?: string[] };
  try {
    info = JSON.parse(readFileSync(join(outDir, 'complete.json'), 'utf8')) as typeof info;
  } catch {
    return null;
  }
  if (info.deb !== basename(deb) || !info.modules || !info.builtin || !info.absent) return null;
  if (info.wanted?.join() !== wanted.join() || info.optional?.join() !== optional.join()) return null;
  const modules = info.modules.map((name) => ({ name, path: join(outDir, `${name}.ko`) }));
  return { deb: info.deb, vmlinuz: join(outDir, 'vmlinuz'), modules, builtin: info.builtin, absent: info.absent };
}
