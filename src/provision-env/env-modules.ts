// Which kernel modules the provisioning environment carries, and which Debian kernel package they come from (offline).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chooseKernelPackage, downloadKernelDeb } from '../lab/kernel-package.ts';

/**
 * Drivers for the machines we provision: NICs (e1000, virtio-net over virtio-pci) and disks (virtio-blk,
 * virtio-scsi, AHCI SATA and NVMe; sd_mod gives SCSI/SATA disks their block device). Their symbol
 * dependencies (libahci, libata, scsi_mod, nvme-core, virtio_ring, ...) are added from each module's
 * depends= metadata, dependencies first. crct10dif_generic backs crc-t10dif (sd_mod's T10-PI checks), which
 * otherwise asks for a crypto module through modprobe — and the environment has no modprobe database.
 */
export const ENV_MODULES = ['e1000', 'virtio_pci', 'virtio_net', 'virtio_blk', 'virtio_scsi', 'crct10dif_generic', 'sd_mod', 'ahci', 'nvme'] as const;

/** Where kernel packages may already sit on an offline machine, searched in this order. */
export const KERNEL_DEB_DIRS = ['/var/tmp/stage0-lab/cache/debs', '/var/cache/apt/archives'];

/** Generic amd64 flavour only: the cloud flavour lacks e1000 and AHCI. */
const GENERIC_DEB = /^linux-image-(\d+\.\d+\.\d+-\d+)-amd64_[^_]+_amd64\.deb$/;

const versionKey = (f: string): number[] => (GENERIC_DEB.exec(f)?.[1] ?? '0').split(/[.-]/).map(Number);
const newer = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};

/** The newest generic linux-image .deb in the given directories, or null. */
export function findCachedKernelDeb(dirs: readonly string[]): string | null {
  const found = dirs.filter((d) => existsSync(d)).flatMap((d) => readdirSync(d).filter((f) => GENERIC_DEB.test(f)).map((f) => ({ f, path: join(d, f) })));
  found.sort((x, y) => newer(versionKey(y.f), versionKey(x.f)));
  return found[0]?.path ?? null;
}

/** An explicit .deb, else a cached generic kernel package, else apt-get download (needs the mirror) into cacheDir. */
export async function locateKernelDeb(cacheDir: string, explicit?: string): Promise<string> {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`kernel package ${explicit} does not exist`);
    return explicit;
  }
  const cached = findCachedKernelDeb([join(cacheDir, 'debs'), ...KERNEL_DEB_DIRS]);
  if (cached) return cached;
  return downloadKernelDeb(join(cacheDir, 'debs'), await chooseKernelPackage());
}
