// Builds the lab's boot assets (vmlinuz + a busybox initramfs that calls back and powers off) from Debian packages only.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUSYBOX, busyboxInitramfsEntries, requireStaticBusybox } from './busybox-initramfs.ts';
import { encodeCpioNewc } from './cpio-newc.ts';
import { withFileLock } from './file-lock.ts';
import { INIT_SCRIPT, UDHCPC_SCRIPT } from './initramfs-scripts.ts';
import { cachedKernel, extractKernel, locateKernelDeb } from './kernel-package.ts';

export interface BootAssets {
  /** File names inside outDir. */
  kernel: 'vmlinuz';
  initrd: 'initrd.gz';
}

/** Bump when the initramfs layout changes so cached assets are rebuilt. */
const LAYOUT_VERSION = 1;

function writeAtomic(path: string, data: Buffer): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

/**
 * Puts `vmlinuz` and `initrd.gz` into outDir. The kernel .deb and its extracted files are cached in cacheDir;
 * the assets are rebuilt only when an input changes (kernel package, busybox binary, scripts, layout version).
 */
export async function buildBootAssets(cacheDir: string, outDir: string): Promise<BootAssets> {
  await requireStaticBusybox();
  mkdirSync(cacheDir, { recursive: true });
  return withFileLock(join(cacheDir, '.build.lock'), () => build(cacheDir, outDir));
}

async function build(cacheDir: string, outDir: string): Promise<BootAssets> {
  const deb = await locateKernelDeb(cacheDir);
  const kernelDir = join(cacheDir, 'kernel');
  const kernel = cachedKernel(deb, kernelDir) ?? (await extractKernel(deb, kernelDir));

  const inputs = createHash('sha256')
    .update(JSON.stringify({ LAYOUT_VERSION, deb: kernel.deb, modules: kernel.modules.map((m) => m.name), INIT_SCRIPT, UDHCPC_SCRIPT }))
    .update(readFileSync(BUSYBOX))
    .digest('hex');
  const stamp = join(outDir, '.inputs.sha256');
  const result: BootAssets = { kernel: 'vmlinuz', initrd: 'initrd.gz' };
  if (existsSync(join(outDir, 'vmlinuz')) && existsSync(join(outDir, 'initrd.gz')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs) {
    return result;
  }
  mkdirSync(outDir, { recursive: true });
  const cpio = encodeCpioNewc(await busyboxInitramfsEntries(kernel, INIT_SCRIPT));
  writeAtomic(join(outDir, 'initrd.gz'), gzipSync(cpio, { level: 9 }));
  copyFileSync(kernel.vmlinuz, join(outDir, 'vmlinuz.tmp'));
  renameSync(join(outDir, 'vmlinuz.tmp'), join(outDir, 'vmlinuz'));
  writeFileSync(stamp, inputs);
  return result;
}
