// The busybox initramfs every image of ours is built on (lab VMs, the provisioning environment, the test image's
// system on disk): directories, static busybox and its applet links, /init, the udhcpc hook, kernel modules + order.
import { existsSync, readFileSync } from 'node:fs';
import { S_IFDIR, S_IFLNK, S_IFREG, type CpioEntry } from './cpio-newc.ts';
import { run } from './exec.ts';
import type { KernelFiles } from './kernel-package.ts';
import { UDHCPC_SCRIPT } from './busybox-init.ts';

/** A static busybox: a dynamic one cannot run in an initramfs without a libc. */
export const BUSYBOX = '/bin/busybox';

const BASE_DIRS = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'usr/share', 'usr/share/udhcpc', 'dev', 'proc', 'sys', 'tmp', 'run', 'etc', 'lib', 'lib/modules'];

/** Fails with the Debian package to install when busybox-static is missing. */
export async function requireStaticBusybox(): Promise<void> {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', 'busybox-static'], { allowFail: true });
  if (!r.stdout.includes('install ok installed') || !existsSync(BUSYBOX)) {
    throw new Error('busybox-static is not installed: apt-get install -y --no-install-recommends busybox-static');
  }
}

export interface InitramfsExtras {
  /** More directories (parents first), created after the base ones. */
  dirs?: readonly string[];
  /** More files, path without the leading slash; mode defaults to 0644. */
  files?: readonly { name: string; data: string | Buffer; mode?: number }[];
}

/** cpio entries of the shared skeleton with `init` as /init, plus the image's own directories and files. */
export async function busyboxInitramfsEntries(kernel: KernelFiles, init: string, extras: InitramfsExtras = {}): Promise<CpioEntry[]> {
  const entries: CpioEntry[] = [...BASE_DIRS, ...(extras.dirs ?? [])].map((name) => ({ name, mode: S_IFDIR | 0o755 }));
  entries.push({ name: 'bin/busybox', mode: S_IFREG | 0o755, data: readFileSync(BUSYBOX) });
  const applets = (await run(BUSYBOX, ['--list-full'])).stdout.split('\n').filter((a) => a && a !== 'bin/busybox');
  for (const applet of applets) entries.push({ name: applet, mode: S_IFLNK | 0o777, data: '/bin/busybox' });
  entries.push({ name: 'init', mode: S_IFREG | 0o755, data: init });
  entries.push({ name: 'usr/share/udhcpc/default.script', mode: S_IFREG | 0o755, data: UDHCPC_SCRIPT });
  for (const m of kernel.modules) entries.push({ name: `lib/modules/${m.name}.ko`, mode: S_IFREG | 0o644, data: readFileSync(m.path) });
  entries.push({ name: 'lib/modules/order', mode: S_IFREG | 0o644, data: `${kernel.modules.map((m) => m.name).join('\n')}\n` });
  for (const f of extras.files ?? []) entries.push({ name: f.name, mode: S_IFREG | (f.mode ?? 0o644), data: f.data });
  return entries;
}
