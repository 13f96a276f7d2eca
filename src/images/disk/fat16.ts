// Formats a FAT16 file system holding a flat set of files (8.3 names, root directory only), in memory.
// Field offsets and rules: Microsoft "FAT: General Overview of On-Disk Format" v1.03 (fatgen103), sections 3.1–3.3, 4, 6.
import { SECTOR } from './mbr.ts';

export interface FatFile {
  /** An 8.3 name ("vmlinuz", "initrd.img", "startup.nsh"); stored upper case, looked up case-insensitively. */
  name: string;
  data: Buffer;
}

export interface Fat16Options {
  /** Size of the file system in 512-byte sectors. */
  sectors: number;
  /** BPB_HiddSec: sectors before the partition (its start LBA). */
  hiddenSectors?: number;
  /** Up to 11 characters, upper case. */
  label?: string;
  volumeId?: number;
  /** Timestamp of every entry; fixed default keeps images reproducible. */
  time?: Date;
}

export const FAT16_RESERVED_SECTORS = 1;
export const FAT16_NUM_FATS = 2;
export const FAT16_ROOT_ENTRIES = 512;
const ROOT_DIR_SECTORS = (FAT16_ROOT_ENTRIES * 32) / SECTOR; // fatgen103 §3.5: RootDirSectors
/** fatgen103 §3.5: a volume with fewer than 4085 clusters is FAT12, with 65525 or more FAT32. */
export const FAT16_MIN_CLUSTERS = 4085;
export const FAT16_MAX_CLUSTERS = 65524;
const EOC = 0xffff;

export interface Fat16Geometry {
  sectorsPerCluster: number;
  fatSectors: number;
  clusters: number;
  rootDirSector: number;
  dataSector: number;
}

/** The smallest cluster size giving a FAT16 cluster count, and the FAT size that covers every cluster (+2 reserved entries). */
export function fat16Geometry(sectors: number): Fat16Geometry {
  for (let spc = 1; spc <= 64; spc *= 2) {
    let fatSectors = 1;
    let clusters = 0;
    for (;;) {
      clusters = Math.floor((sectors - FAT16_RESERVED_SECTORS - FAT16_NUM_FATS * fatSectors - ROOT_DIR_SECTORS) / spc);
      if ((clusters + 2) * 2 <= fatSectors * SECTOR) break;
      fatSectors++;
    }
    if (clusters < FAT16_MIN_CLUSTERS) throw new Error(`${sectors} sectors are too few for FAT16 (needs ${FAT16_MIN_CLUSTERS} clusters)`);
    if (clusters <= FAT16_MAX_CLUSTERS) {
      const rootDirSector = FAT16_RESERVED_SECTORS + FAT16_NUM_FATS * fatSectors;
      return { sectorsPerCluster: spc, fatSectors, clusters, rootDirSector, dataSector: rootDirSector + ROOT_DIR_SECTORS };
    }
  }
  throw new Error(`${sectors} sectors are too many for FAT16 with 32 KiB clusters`);
}

const SHORT_CHARS = "[A-Z0-9$%'\\-_@~`!(){}^#&]";
const SHORT_RE = new RegExp(`^(${SHORT_CHARS}{1,8})(?:\\.(${SHORT_CHARS}{1,3}))?$`);

/** fatgen103 §6.1: the 11-byte directory name, base and extension space-padded; no long names (no LFN entries). */
export function shortName(name: string): Buffer {
  const m = SHORT_RE.exec(name.toUpperCase());
  if (!m) throw new Error(`"${name}" is not an 8.3 name (1-8 characters, optional .ext of 1-3; letters, digits, $%'-_@~\`!(){}^#&)`);
  return Buffer.from(m[1]!.padEnd(8, ' ') + (m[2] ?? '').padEnd(3, ' '), 'ascii');
}

/** fatgen103 §6.1 date and time fields: date = (year-1980)<<9 | month<<5 | day; time = h<<11 | m<<5 | s/2. */
export function fatDateTime(t: Date): { date: number; time: number } {
  return {
    date: ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate(),
    time: (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | Math.floor(t.getUTCSeconds() / 2),
  };
}

export const ATTR_ARCHIVE = 0x20;
export const ATTR_VOLUME_ID = 0x08;

function dirEntry(name: Buffer, attr: number, firstCluster: number, size: number, t: { date: number; time: number }): Buffer {
  const e = Buffer.alloc(32);
  name.copy(e, 0); // DIR_Name
  e[11] = attr; // DIR_Attr
  e.writeUInt16LE(t.time, 14); // DIR_CrtTime
  e.writeUInt16LE(t.date, 16); // DIR_CrtDate
  e.writeUInt16LE(t.date, 18); // DIR_LstAccDate
  e.writeUInt16LE(0, 20); // DIR_FstClusHI: always 0 on FAT16
  e.writeUInt16LE(t.time, 22); // DIR_WrtTime
  e.writeUInt16LE(t.date, 24); // DIR_WrtDate
  e.writeUInt16LE(firstCluster, 26); // DIR_FstClusLO
  e.writeUInt32LE(size, 28); // DIR_FileSize
  return e;
}

/** fatgen103 §3.1–3.2: boot sector with the BPB and the FAT12/16 extended fields at offset 36. */
function bootSector(o: Required<Omit<Fat16Options, 'time'>>, g: Fat16Geometry): Buffer {
  const b = Buffer.alloc(SECTOR);
  Buffer.from([0xeb, 0x3c, 0x90]).copy(b, 0); // BS_jmpBoot (EDK2's FAT driver checks the first byte)
  b.write('STAGE0  ', 3, 'ascii'); // BS_OEMName
  b.writeUInt16LE(SECTOR, 11); // BPB_BytsPerSec
  b[13] = g.sectorsPerCluster; // BPB_SecPerClus
  b.writeUInt16LE(FAT16_RESERVED_SECTORS, 14); // BPB_RsvdSecCnt
  b[16] = FAT16_NUM_FATS; // BPB_NumFATs
  b.writeUInt16LE(FAT16_ROOT_ENTRIES, 17); // BPB_RootEntCnt
  b.writeUInt16LE(o.sectors < 0x10000 ? o.sectors : 0, 19); // BPB_TotSec16
  b[21] = 0xf8; // BPB_Media: fixed disk
  b.writeUInt16LE(g.fatSectors, 22); // BPB_FATSz16
  b.writeUInt16LE(63, 24); // BPB_SecPerTrk
  b.writeUInt16LE(255, 26); // BPB_NumHeads
  b.writeUInt32LE(o.hiddenSectors, 28); // BPB_HiddSec
  b.writeUInt32LE(o.sectors < 0x10000 ? 0 : o.sectors, 32); // BPB_TotSec32
  b[36] = 0x80; // BS_DrvNum
  b[38] = 0x29; // BS_BootSig: the next three fields are present
  b.writeUInt32LE(o.volumeId >>> 0, 39); // BS_VolID
  b.write(o.label.padEnd(11, ' '), 43, 'ascii'); // BS_VolLab
  b.write('FAT16   ', 54, 'ascii'); // BS_FilSysType (informational only)
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

/** The whole file system as `sectors * 512` bytes; files are laid out contiguously from cluster 2, in the order given. */
export function formatFat16(files: readonly FatFile[], opts: Fat16Options): Buffer {
  const label = (opts.label ?? 'STAGE0').toUpperCase();
  if (!/^[A-Z0-9 _-]{1,11}$/.test(label)) throw new Error(`volume label "${label}" must be 1-11 of A-Z 0-9 space _ -`);
  const o = { sectors: opts.sectors, hiddenSectors: opts.hiddenSectors ?? 0, label, volumeId: opts.volumeId ?? 0x53543030 };
  const g = fat16Geometry(o.sectors);
  const names = files.map((f) => shortName(f.name));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toString())) throw new Error(`two files share the 8.3 name "${n.toString().trim()}"`);
    seen.add(n.toString());
  }
  if (files.length + 1 > FAT16_ROOT_ENTRIES) throw new Error(`the root directory holds at most ${FAT16_ROOT_ENTRIES - 1} files`);
  const clusterBytes = g.sectorsPerCluster * SECTOR;
  const needed = files.reduce((n, f) => n + Math.ceil(f.data.length / clusterBytes), 0);
  if (needed > g.clusters) throw new Error(`files need ${needed} clusters, the file system has ${g.clusters}`);

  const fs = Buffer.alloc(o.sectors * SECTOR);
  bootSector(o, g).copy(fs, 0);
  const fat = Buffer.alloc(g.fatSectors * SECTOR);
  fat.writeUInt16LE(0xff00 | 0xf8, 0); // FAT[0]: media byte in the low 8 bits, rest 1s (fatgen103 §4)
  fat.writeUInt16LE(0xffff, 2); // FAT[1]: EOC with the clean-shutdown and no-error bits set
  const t = fatDateTime(opts.time ?? new Date(Date.UTC(2024, 0, 1)));
  const root = fs.subarray(g.rootDirSector * SECTOR, g.dataSector * SECTOR);
  dirEntry(Buffer.from(label.padEnd(11, ' '), 'ascii'), ATTR_VOLUME_ID, 0, 0, t).copy(root, 0);
  let next = 2;
  files.forEach((f, i) => {
    const count = Math.ceil(f.data.length / clusterBytes);
    const first = count ? next : 0; // an empty file owns no cluster (fatgen103 §6: DIR_FstClusLO 0)
    for (let c = 0; c < count; c++) fat.writeUInt16LE(c === count - 1 ? EOC : next + c + 1, (next + c) * 2);
    if (count) f.data.copy(fs, (g.dataSector + (next - 2) * g.sectorsPerCluster) * SECTOR);
    next += count;
    dirEntry(names[i]!, ATTR_ARCHIVE, first, f.data.length, t).copy(root, (i + 1) * 32);
  });
  for (let k = 0; k < FAT16_NUM_FATS; k++) fat.copy(fs, (FAT16_RESERVED_SECTORS + k * g.fatSectors) * SECTOR);
  return fs;
}
