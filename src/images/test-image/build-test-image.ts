// Builds the test disk image from Debian packages: ESP with the Debian kernel (EFI stub), a busybox initramfs, startup.nsh.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUSYBOX, busyboxInitramfsEntries, requireStaticBusybox } from '../../lab/busybox-initramfs.ts';
import { encodeCpioNewc } from '../../lab/cpio-newc.ts';
import { withFileLock } from '../../lab/file-lock.ts';
import { UDHCPC_SCRIPT } from '../../lab/initramfs-scripts.ts';
import { cachedKernel, extractKernel, locateKernelDeb, NIC_MODULES, type KernelFiles } from '../../lab/kernel-package.ts';
import { biosSerialStub } from '../disk/bios-serial-stub.ts';
import { buildEspDisk } from '../disk/disk-image.ts';
import { DISK_INIT_SCRIPT, startupNsh } from './disk-init-script.ts';

/** Bump when the image layout changes so cached images are rebuilt. */
const LAYOUT_VERSION = 2;
/** NICs as in the lab, plus the disk driver the on-disk system needs to read its seed (Debian builds virtio_blk as a module). */
const MODULES = [...NIC_MODULES, 'virtio_blk'] as const;
export const TEST_IMAGE_CMDLINE = 'console=ttyS0 panic=-1';

export interface TestImage {
  /** The raw disk image (cached by the hash of its inputs). */
  path: string;
  sha256: string;
  size: number;
  inputsHash: string;
}

/**
 * Builds (or reuses) the test image in cacheDir/test-image/<inputs hash>.img. The kernel .deb and its extracted files
 * are shared with the lab (cacheDir/debs, cacheDir/kernel). Inputs: kernel package, busybox, scripts, layout version.
 */
export async function buildTestImage(cacheDir: string): Promise<TestImage> {
  await requireStaticBusybox();
  mkdirSync(cacheDir, { recursive: true });
  return withFileLock(join(cacheDir, '.build.lock'), async () => {
    const deb = await locateKernelDeb(cacheDir);
    const kernelDir = join(cacheDir, 'test-image-kernel');
    const kernel = cachedKernel(deb, kernelDir, MODULES) ?? (await extractKernel(deb, kernelDir, MODULES));
    const inputsHash = createHash('sha256')
      .update(JSON.stringify({ LAYOUT_VERSION, deb: kernel.deb, modules: kernel.modules.map((m) => m.name), DISK_INIT_SCRIPT, UDHCPC_SCRIPT, TEST_IMAGE_CMDLINE }))
      .update(readFileSync(BUSYBOX))
      .digest('hex');
    const out = join(cacheDir, 'test-image', `${inputsHash.slice(0, 16)}.img`);
    const metaFile = `${out}.json`;
    if (existsSync(out) && existsSync(metaFile)) return JSON.parse(readFileSync(metaFile, 'utf8')) as TestImage;
    const files = [
      { name: 'vmlinuz', data: readFileSync(kernel.vmlinuz) },
      { name: 'initrd.img', data: gzipSync(encodeCpioNewc(await busyboxInitramfsEntries(kernel, DISK_INIT_SCRIPT)), { level: 9 }) },
      { name: 'startup.nsh', data: Buffer.from(startupNsh(TEST_IMAGE_CMDLINE)) },
    ];
    // The BIOS stub only shows a BIOS machine reached the disk; the image boots for real under UEFI.
    const { image } = buildEspDisk({ files, label: 'STAGE0TEST', mbrBootCode: biosSerialStub() });
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
