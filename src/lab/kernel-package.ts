// Takes a Debian kernel .deb (apt-get download, cached) apart: vmlinuz and the NIC modules plus their dependencies.
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { basename, join } from 'node:path';
import { run } from './exec.ts';

/**
 * The modules the lab VMs need: e1000 (BIOS, iPXE ROM) and virtio_net (UEFI native PXE). virtio_pci is listed
 * on its own because it is the bus transport virtio_net binds through, not a symbol dependency of it.
 */
export const NIC_MODULES = ['e1000', 'virtio_pci', 'virtio_net'] as const;

export interface KernelFiles {
  /** Package file name, e.g. linux-image-6.1.0-56-amd64_6.1.147-1_amd64.deb (the cache key). */
  deb: string;
  vmlinuz: string;
  /** Module files (uncompressed .ko) in load order, dependencies first. */
  modules: { name: string; path: string }[];
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
  let deb = cached();
  if (!deb) {
    // The sandbox user _apt cannot write to root-owned temporary directories: download as root.
    try {
      await run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', pkg], { cwd: cacheDir, timeoutMs: 600_000 });
    } catch (err) {
      // Mirror unreachable: any kernel downloaded earlier boots the lab just as well.
      const older = readdirSync(cacheDir).filter((f) => /^linux-image-.*-amd64_.*\.deb$/.test(f)).sort().at(-1);
      if (!older) throw err;
      process.stderr.write(`stage0 lab: ${pkg} could not be downloaded, using cached ${older}\n`);
      return join(cacheDir, older);
    }
    deb = cached();
    if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb in ${cacheDir}`);
  }
  return join(cacheDir, deb);
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

/** Extracts vmlinuz and the wanted modules (default NIC_MODULES, with their `depends=` closure) into outDir. */
export async function extractKernel(deb: string, outDir: string, wanted: readonly string[] = NIC_MODULES): Promise<KernelFiles> {
  const x = join(outDir, 'x');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(x, { recursive: true });
  await extractMembers(deb, x, ['./boot/vmlinuz-*', ...MODULE_TREES.map((t) => `./lib/modules/*/kernel/${t}/*`)]);
  const vmlinuzName = readdirSync(join(x, 'boot')).find((f) => f.startsWith('vmlinuz-'));
  if (!vmlinuzName) throw new Error(`no vmlinuz in ${deb}`);
  const available = findFiles(join(x, 'lib'));
  const order: string[] = [];
  const visit = async (name: string, required: boolean): Promise<void> => {
    const norm = name.replace(/-/g, '_');
    if (order.includes(norm)) return;
    const file = available.get(norm) ?? available.get(name);
    if (!file) {
      if (required) throw new Error(`module ${name} not found in ${basename(deb)}`);
      return; // built into the kernel
    }
    const dest = join(outDir, `${norm}.ko`);
    await decompress(file, dest);
    for (const d of moduleDepends(readFileSync(dest))) await visit(d, false);
    order.push(norm);
  };
  for (const m of wanted) await visit(m, true);
  const modules = order.map((name) => ({ name, path: join(outDir, `${name}.ko`) }));
  const vmlinuz = join(outDir, 'vmlinuz');
  copyFileSync(join(x, 'boot', vmlinuzName), vmlinuz);
  rmSync(x, { recursive: true, force: true });
  writeFileSync(join(outDir, 'complete.json'), JSON.stringify({ deb: basename(deb), wanted, modules: order }));
  return { deb: basename(deb), vmlinuz, modules };
}

/** Returns the files of an earlier extractKernel of the same .deb and module list, or null. */
export function cachedKernel(deb: string, outDir: string, wanted: readonly string[] = NIC_MODULES): KernelFiles | null {
  let info: { deb?: string; wanted?: string[]; modules?: string[] };
  try {
    info = JSON.parse(readFileSync(join(outDir, 'complete.json'), 'utf8')) as typeof info;
  } catch {
    return null;
  }
  if (info.deb !== basename(deb) || !info.modules || info.wanted?.join() !== wanted.join()) return null;
  return { deb: info.deb, vmlinuz: join(outDir, 'vmlinuz'), modules: info.modules.map((name) => ({ name, path: join(outDir, `${name}.ko`) })) };
}
