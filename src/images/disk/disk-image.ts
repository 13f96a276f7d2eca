// A whole disk image: MBR at LBA 0, a reserved gap (holding the install seed region), one FAT16 EFI System Partition.
import { encodeMbr, MBR_TYPE_ESP, SECTOR } from './mbr.ts';
import { formatFat16, type FatFile } from './fat16.ts';
import { SEED_LBA, SEED_SECTORS } from '../seed-region.ts';

/** 1 MiB alignment, as partitioning tools do; the gap before it (LBA 1..2047) is where the seed lives. */
export const ESP_START_LBA = 2048;
const MIB_SECTORS = (1024 * 1024) / SECTOR;

export interface DiskImageOptions {
  files: readonly FatFile[];
  /** ESP size in MiB; default: the files plus 25 % and 2 MiB, at least 8 MiB. */
  espMiB?: number;
  label?: string;
  diskSignature?: number;
  /** MBR boot code for BIOS machines (at most 440 bytes); UEFI firmware ignores it. */
  mbrBootCode?: Buffer;
}

export interface DiskLayout {
  espStartLba: number;
  espSectors: number;
  totalBytes: number;
}

if (SEED_LBA + SEED_SECTORS > ESP_START_LBA) throw new Error('seed region overlaps the ESP'); // layout invariant, checked once at load

export function espSizeMiB(files: readonly FatFile[]): number {
  const bytes = files.reduce((n, f) => n + f.data.length, 0);
  return Math.max(8, Math.ceil((bytes * 1.25) / (1024 * 1024)) + 2);
}

/** Builds the raw disk in memory (test images are tens of MiB); returns the bytes and where the ESP is. */
export function buildEspDisk(o: DiskImageOptions): { image: Buffer; layout: DiskLayout } {
  const espSectors = (o.espMiB ?? espSizeMiB(o.files)) * MIB_SECTORS;
  const fs = formatFat16(o.files, { sectors: espSectors, hiddenSectors: ESP_START_LBA, label: o.label ?? 'STAGE0ESP' });
  const image = Buffer.alloc((ESP_START_LBA + espSectors) * SECTOR);
  encodeMbr([{ type: MBR_TYPE_ESP, startLba: ESP_START_LBA, sectors: espSectors }], o.diskSignature ?? 0x53543030, o.mbrBootCode).copy(image, 0);
  fs.copy(image, ESP_START_LBA * SECTOR);
  return { image, layout: { espStartLba: ESP_START_LBA, espSectors, totalBytes: image.length } };
}
