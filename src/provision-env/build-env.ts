// Builds the provisioning environment (vmlinuz + busybox initramfs for discover/install/shell/rescue) from Debian packages, offline.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeCpioNewc, S_IFDIR, S_IFLNK, S_IFREG, type CpioEntry } from '../lab/cpio-newc.ts';
import { run } from '../lab/exec.ts';
import { withFileLock } from '../lab/file-lock.ts';
import { cachedKernel, extractKernel, type KernelFiles } from '../lab/kernel-package.ts';
import { DISCOVERY_AGENT_SCRIPT } from './discovery-agent.ts';
import { DISCOVER_SCRIPT_PATH, ENV_INIT_SCRIPT, ENV_UDHCPC_SCRIPT, INSTALL_SCRIPT_PATH } from './env-init-script.ts';
import { ENV_MODULES, locateKernelDeb } from './env-modules.ts';
import { INSTALL_AGENT_SCRIPT } from './install-agent.ts';

/** File names inside the output directory. */
export const ENV_KERNEL_FILE = 'vmlinuz';
export const ENV_INITRD_FILE = 'initrd.gz';
export const ENV_MANIFEST_FILE = 'env.json';
/** Default cache (kernel .deb extraction); env STAGE0_ENV_CACHE overrides. */
export const DEFAULT_ENV_CACHE_DIR = '/var/tmp/stage0-env-cache';
/** Bump when the initramfs layout changes so cached builds are redone. */
const LAYOUT_VERSION = 1;
const BUSYBOX = '/bin/busybox';

export interface BuildEnvOptions {
  /** Receives vmlinuz, initrd.gz and env.json. */
  outDir: string;
  cacheDir?: string;
  /** A specific linux-image .deb; default: the newest cached generic amd64 kernel package. */
  kernelDeb?: string;
}

export interface ProvisionEnv {
  dir: string;
  /** Absolute paths of the two boot files. */
  kernel: string;
  initrd: string;
  /** sha256 of every input: the cache key, also written to env.json. */
  hash: string;
  kernelPackage: string;
  modules: string[];
  /** false when the existing files already matched the inputs. */
  rebuilt: boolean;
}

interface Manifest {
  hash: string;
  kernelPackage: string;
  modules: string[];
  builtAt: string;
}

async function requireStaticBusybox(): Promise<void> {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', 'busybox-static'], { allowFail: true });
  if (!r.stdout.includes('install ok installed') || !existsSync(BUSYBOX)) {
    throw new Error('busybox-static is not installed: apt-get install -y --no-install-recommends busybox-static');
  }
}

async function initramfsEntries(kernel: KernelFiles, hash: string): Promise<CpioEntry[]> {
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib/stage0', 'usr/share', 'usr/share/udhcpc', 'dev', 'proc', 'sys', 'tmp', 'run', 'etc', 'root', 'lib', 'lib/modules'];
  const entries: CpioEntry[] = dirs.map((name) => ({ name, mode: S_IFDIR | 0o755 }));
  entries.push({ name: 'bin/busybox', mode: S_IFREG | 0o755, data: readFileSync(BUSYBOX) });
  const applets = (await run(BUSYBOX, ['--list-full'])).stdout.split('\n').filter((a) => a && a !== 'bin/busybox');
  for (const applet of applets) entries.push({ name: applet, mode: S_IFLNK | 0o777, data: '/bin/busybox' });
  const file = (name: string, data: string | Buffer, mode = 0o644) => entries.push({ name, mode: S_IFREG | mode, data });
  file('init', ENV_INIT_SCRIPT, 0o755);
  file('usr/share/udhcpc/default.script', ENV_UDHCPC_SCRIPT, 0o755);
  file(DISCOVER_SCRIPT_PATH.slice(1), DISCOVERY_AGENT_SCRIPT, 0o755);
  file(INSTALL_SCRIPT_PATH.slice(1), INSTALL_AGENT_SCRIPT, 0o755);
  file('etc/stage0-env-version', `stage0-env ${hash.slice(0, 12)} ${kernel.deb}\n`);
  file('etc/profile', "PS1='stage0-env# '\nexport PATH=/bin:/sbin:/usr/bin:/usr/sbin\n");
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  file('etc/group', 'root:x:0:\n');
  for (const m of kernel.modules) file(`lib/modules/${m.name}.ko`, readFileSync(m.path));
  file('lib/modules/order', kernel.modules.map((m) => m.name).join('\n') + '\n');
  return entries;
}

function writeAtomic(path: string, data: Buffer | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function readManifest(dir: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(join(dir, ENV_MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/**
 * Writes vmlinuz + initrd.gz (+ env.json) into outDir. Rebuilds only when an input changed: the kernel package,
 * the module list, busybox, any of the scripts (init, discovery agent, install agent) or the layout version.
 * Concurrent builds of the same cache wait for each other (lock file).
 */
export async function buildProvisionEnv(o: BuildEnvOptions): Promise<ProvisionEnv> {
  await requireStaticBusybox();
  const cacheDir = resolve(o.cacheDir ?? process.env.STAGE0_ENV_CACHE ?? DEFAULT_ENV_CACHE_DIR);
  const outDir = resolve(o.outDir);
  mkdirSync(cacheDir, { recursive: true });
  return withFileLock(join(cacheDir, '.build.lock'), async () => {
    const deb = await locateKernelDeb(cacheDir, o.kernelDeb);
    const kernelDir = join(cacheDir, 'env-kernel');
    const kernel = cachedKernel(deb, kernelDir, ENV_MODULES) ?? (await extractKernel(deb, kernelDir, ENV_MODULES));
    const hash = createHash('sha256')
      .update(JSON.stringify({ LAYOUT_VERSION, deb: basename(deb), debSize: statSync(deb).size, modules: kernel.modules.map((m) => m.name) }))
      .update(JSON.stringify([ENV_INIT_SCRIPT, ENV_UDHCPC_SCRIPT, DISCOVERY_AGENT_SCRIPT, INSTALL_AGENT_SCRIPT]))
      .update(readFileSync(BUSYBOX))
      .digest('hex');
    const result = (rebuilt: boolean): ProvisionEnv => ({
      dir: outDir, kernel: join(outDir, ENV_KERNEL_FILE), initrd: join(outDir, ENV_INITRD_FILE), hash,
      kernelPackage: kernel.deb, modules: kernel.modules.map((m) => m.name), rebuilt,
    });
    const done = readManifest(outDir);
    if (done?.hash === hash && existsSync(join(outDir, ENV_KERNEL_FILE)) && existsSync(join(outDir, ENV_INITRD_FILE))) return result(false);
    mkdirSync(outDir, { recursive: true });
    writeAtomic(join(outDir, ENV_INITRD_FILE), gzipSync(encodeCpioNewc(await initramfsEntries(kernel, hash)), { level: 9 }));
    copyFileSync(kernel.vmlinuz, join(outDir, `${ENV_KERNEL_FILE}.tmp`));
    renameSync(join(outDir, `${ENV_KERNEL_FILE}.tmp`), join(outDir, ENV_KERNEL_FILE));
    const manifest: Manifest = { hash, kernelPackage: kernel.deb, modules: kernel.modules.map((m) => m.name), builtAt: new Date().toISOString() };
    writeAtomic(join(outDir, ENV_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return result(true);
  });
}
