// Builds the test disk image from Debian packages: ESP with the Debian kernel (EFI stub), a busybox initramfs, startup.nsh.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeCpioNewc, S_IFDIR, S_IFLNK, S_IFREG, type CpioEntry } from '../../lab/cpio-newc.ts';
import { run } from '../../lab/exec.ts';
import { withFileLock } from '../../lab/file-lock.ts';
import { UDHCPC_SCRIPT } from '../../lab/initramfs-scripts.ts';
import { cachedKernel, chooseKernelPackage, downloadKernelDeb, extractKernel, moduleDepends, type KernelFiles } from '../../lab/kernel-package.ts';
import { buildEspDisk } from '../disk/disk-image.ts';
import { DISK_INIT_SCRIPT, startupNsh } from './disk-init-script.ts';

/** Bump when the image layout changes so cached images are rebuilt. */
const LAYOUT_VERSION = 1;
const BUSYBOX = '/bin/busybox';
/** The disk driver the on-disk system needs to read its seed (Debian builds virtio_blk as a module). */
const DISK_MODULES = ['virtio_blk'] as const;
export const TEST_IMAGE_CMDLINE = 'console=ttyS0 panic=-1';

export interface TestImage {
  /** The raw disk image (cached by the hash of its inputs). */
  path: string;
  sha256: string;
  size: number;
  inputsHash: string;
}

/** `dpkg-deb --fsys-tarfile | tar -x` of the disk modules (kernel-package.ts extracts only NIC drivers). */
function extractDiskModules(deb: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tar = spawn('tar', ['-x', '-C', dir, '--wildcards', ...DISK_MODULES.map((m) => `./lib/modules/*/kernel/drivers/block/${m}.ko*`)], { stdio: ['pipe', 'ignore', 'inherit'] });
    dpkg.stdout.pipe(tar.stdin);
    dpkg.on('error', reject);
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`extracting ${DISK_MODULES.join(', ')} from ${deb}: tar exit ${code}`))));
  });
}

function findModule(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const found = findModule(p, name);
      if (found) return found;
    } else if (e.name === `${name}.ko`) return p;
  }
  return undefined;
}

async function diskModules(deb: string, kernel: KernelFiles, cacheDir: string): Promise<{ name: string; data: Buffer }[]> {
  const dir = join(cacheDir, 'disk-modules');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await extractDiskModules(deb, dir);
  return DISK_MODULES.map((name) => {
    const file = findModule(dir, name);
    if (!file) throw new Error(`${name}.ko (uncompressed) not found in ${deb}`);
    const data = readFileSync(file);
    const missing = moduleDepends(data).filter((d) => !kernel.modules.some((m) => m.name === d.replace(/-/g, '_')));
    if (missing.length) throw new Error(`${name} needs modules the initramfs lacks: ${missing.join(', ')}`);
    return { name, data };
  });
}

async function initramfs(kernel: KernelFiles, disk: { name: string; data: Buffer }[]): Promise<Buffer> {
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'usr/share', 'usr/share/udhcpc', 'dev', 'proc', 'sys', 'tmp', 'run', 'etc', 'lib', 'lib/modules'];
  const entries: CpioEntry[] = dirs.map((name) => ({ name, mode: S_IFDIR | 0o755 }));
  entries.push({ name: 'bin/busybox', mode: S_IFREG | 0o755, data: readFileSync(BUSYBOX) });
  const applets = (await run(BUSYBOX, ['--list-full'])).stdout.split('\n').filter((a) => a && a !== 'bin/busybox');
  for (const applet of applets) entries.push({ name: applet, mode: S_IFLNK | 0o777, data: '/bin/busybox' });
  entries.push({ name: 'init', mode: S_IFREG | 0o755, data: DISK_INIT_SCRIPT });
  entries.push({ name: 'usr/share/udhcpc/default.script', mode: S_IFREG | 0o755, data: UDHCPC_SCRIPT });
  for (const m of kernel.modules) entries.push({ name: `lib/modules/${m.name}.ko`, mode: S_IFREG | 0o644, data: readFileSync(m.path) });
  for (const m of disk) entries.push({ name: `lib/modules/${m.name}.ko`, mode: S_IFREG | 0o644, data: m.data });
  const order = [...kernel.modules.map((m) => m.name), ...disk.map((m) => m.name)];
  entries.push({ name: 'lib/modules/order', mode: S_IFREG | 0o644, data: `${order.join('\n')}\n` });
  return gzipSync(encodeCpioNewc(entries), { level: 9 });
}

async function requireTools(): Promise<void> {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', 'busybox-static'], { allowFail: true });
  if (!r.stdout.includes('install ok installed') || !existsSync(BUSYBOX)) {
    throw new Error('busybox-static is not installed: apt-get install -y --no-install-recommends busybox-static');
  }
}

/**
 * Builds (or reuses) the test image in cacheDir/test-image/<inputs hash>.img. The kernel .deb and its extracted files
 * are shared with the lab (cacheDir/debs, cacheDir/kernel). Inputs: kernel package, busybox, scripts, layout version.
 */
export async function buildTestImage(cacheDir: string): Promise<TestImage> {
  await requireTools();
  mkdirSync(cacheDir, { recursive: true });
  return withFileLock(join(cacheDir, '.build.lock'), async () => {
    const deb = await downloadKernelDeb(join(cacheDir, 'debs'), await chooseKernelPackage());
    const kernelDir = join(cacheDir, 'kernel');
    const kernel = cachedKernel(deb, kernelDir) ?? (await extractKernel(deb, kernelDir));
    const inputsHash = createHash('sha256')
      .update(JSON.stringify({ LAYOUT_VERSION, deb: kernel.deb, modules: kernel.modules.map((m) => m.name), DISK_MODULES, DISK_INIT_SCRIPT, UDHCPC_SCRIPT, TEST_IMAGE_CMDLINE }))
      .update(readFileSync(BUSYBOX))
      .digest('hex');
    const out = join(cacheDir, 'test-image', `${inputsHash.slice(0, 16)}.img`);
    const metaFile = `${out}.json`;
    if (existsSync(out) && existsSync(metaFile)) return JSON.parse(readFileSync(metaFile, 'utf8')) as TestImage;
    const files = [
      { name: 'vmlinuz', data: readFileSync(kernel.vmlinuz) },
      { name: 'initrd.img', data: await initramfs(kernel, await diskModules(deb, kernel, cacheDir)) },
      { name: 'startup.nsh', data: Buffer.from(startupNsh(TEST_IMAGE_CMDLINE)) },
    ];
    const { image } = buildEspDisk({ files, label: 'STAGE0TEST' });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, image);
    renameSync(`${out}.tmp`, out);
    const meta: TestImage = { path: out, sha256: createHash('sha256').update(image).digest('hex'), size: image.length, inputsHash };
    writeFileSync(metaFile, JSON.stringify(meta));
    return meta;
  });
}

/** Copies the built image to `dest` (raw) or gzips it (`gz`). */
export function writeTestImage(img: TestImage, dest: string, format: 'raw' | 'gz'): void {
  mkdirSync(dirname(dest), { recursive: true });
  if (format === 'raw') copyFileSync(img.path, `${dest}.tmp`);
  else writeFileSync(`${dest}.tmp`, gzipSync(readFileSync(img.path)));
  renameSync(`${dest}.tmp`, dest);
}
