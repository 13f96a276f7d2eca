// Builds the provisioning environment (vmlinuz + busybox initramfs for discover/install/shell/rescue) from Debian packages, offline.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUSYBOX, busyboxInitramfsEntries, requireStaticBusybox } from '../lab/busybox-initramfs.ts';
import { encodeCpioNewc, type CpioEntry } from '../lab/cpio-newc.ts';
import { withFileLock } from '../lab/file-lock.ts';
import { cachedKernel, extractKernel, locateKernelDeb, type KernelFiles } from '../lab/kernel-package.ts';
import { DISCOVERY_AGENT_SCRIPT } from './discovery-agent.ts';
import { DISCOVER_SCRIPT_PATH, ENV_INIT_SCRIPT, ENV_UDHCPC_SCRIPT, INSTALL_SCRIPT_PATH } from './env-init-script.ts';
import { ENV_MODULES, ENV_OPTIONAL_MODULES } from './env-modules.ts';
import { INSTALL_AGENT_SCRIPT } from './install-agent.ts';

/** File names inside the output directory. */
export const ENV_KERNEL_FILE = 'vmlinuz';
export const ENV_INITRD_FILE = 'initrd.gz';
export const ENV_MANIFEST_FILE = 'env.json';
/** Default cache (kernel .deb extraction); env STAGE0_ENV_CACHE overrides. */
export const DEFAULT_ENV_CACHE_DIR = '/var/tmp/stage0-env-cache';
/** Bump when the initramfs layout changes so cached builds are redone. */
const LAYOUT_VERSION = 1;

export interface BuildEnvOptions {
  /** Receives vmlinuz, initrd.gz and env.json. */
  outDir: string;
  cacheDir?: string;
  /** A specific linux-image .deb; default: locateKernelDeb's choice (apt's kernel, else the best one on this machine). */
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
  /** Modules in the initramfs, in load order. */
  modules: string[];
  /** Wanted modules compiled into the kernel (present without loading). */
  builtin: string[];
  /** Optional drivers this kernel package does not have (ENV_OPTIONAL_MODULES). */
  absent: string[];
  /** false when the existing files already matched the inputs. */
  rebuilt: boolean;
}

interface Manifest {
  hash: string;
  kernelPackage: string;
  modules: string[];
  builtin: string[];
  absent: string[];
  builtAt: string;
}

/** The shared busybox skeleton plus the mode scripts, a login shell's files and the build's version stamp. */
function initramfsEntries(kernel: KernelFiles, hash: string): Promise<CpioEntry[]> {
  return busyboxInitramfsEntries(kernel, ENV_INIT_SCRIPT, {
    dirs: ['usr/lib', 'usr/lib/stage0', 'root'],
    files: [
      { name: DISCOVER_SCRIPT_PATH.slice(1), data: DISCOVERY_AGENT_SCRIPT, mode: 0o755 },
      { name: INSTALL_SCRIPT_PATH.slice(1), data: INSTALL_AGENT_SCRIPT, mode: 0o755 },
      { name: 'etc/stage0-env-version', data: `stage0-env ${hash.slice(0, 12)} ${kernel.deb}\n` },
      { name: 'etc/profile', data: "PS1='stage0-env# '\nexport PATH=/bin:/sbin:/usr/bin:/usr/sbin\n" },
      { name: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/sh\n' },
      { name: 'etc/group', data: 'root:x:0:\n' },
    ],
  });
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
    const kernel = cachedKernel(deb, kernelDir, ENV_MODULES, ENV_OPTIONAL_MODULES) ?? (await extractKernel(deb, kernelDir, ENV_MODULES, ENV_OPTIONAL_MODULES));
    const hash = createHash('sha256')
      .update(JSON.stringify({ LAYOUT_VERSION, deb: basename(deb), debSize: statSync(deb).size, modules: kernel.modules.map((m) => m.name) }))
      .update(JSON.stringify([ENV_INIT_SCRIPT, ENV_UDHCPC_SCRIPT, DISCOVERY_AGENT_SCRIPT, INSTALL_AGENT_SCRIPT]))
      .update(readFileSync(BUSYBOX))
      .digest('hex');
    const result = (rebuilt: boolean): ProvisionEnv => ({
      dir: outDir, kernel: join(outDir, ENV_KERNEL_FILE), initrd: join(outDir, ENV_INITRD_FILE), hash,
      kernelPackage: kernel.deb, modules: kernel.modules.map((m) => m.name), builtin: kernel.builtin, absent: kernel.absent, rebuilt,
    });
    const done = readManifest(outDir);
    if (done?.hash === hash && existsSync(join(outDir, ENV_KERNEL_FILE)) && existsSync(join(outDir, ENV_INITRD_FILE))) return result(false);
    mkdirSync(outDir, { recursive: true });
    writeAtomic(join(outDir, ENV_INITRD_FILE), gzipSync(encodeCpioNewc(await initramfsEntries(kernel, hash)), { level: 9 }));
    copyFileSync(kernel.vmlinuz, join(outDir, `${ENV_KERNEL_FILE}.tmp`));
    renameSync(join(outDir, `${ENV_KERNEL_FILE}.tmp`), join(outDir, ENV_KERNEL_FILE));
    const manifest: Manifest = { hash, kernelPackage: kernel.deb, modules: kernel.modules.map((m) => m.name), builtin: kernel.builtin, absent: kernel.absent, builtAt: new Date().toISOString() };
    writeAtomic(join(outDir, ENV_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return result(true);
  });
}
