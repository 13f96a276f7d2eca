// Reads back a FAT16 file system (BPB, both FATs, root directory, cluster chains): checks images this project writes.
// Independent of the writer on purpose: it derives the layout from the BPB alone, as a firmware's FAT driver does (fatgen103 §3.5).
import { SECTOR } from './mbr.ts';

export interface FatBpb {
  bytesPerSector: number;
  sectorsPerCluster: number;
  reservedSectors: number;
  numFats: number;
  rootEntries: number;
  totalSectors: number;
  media: number;
  fatSectors: number;
  hiddenSectors: number;
  volumeId: number;
  label: string;
  fsType: string;
}

export interface FatEntry {
  /** "NAME.EXT" as stored (upper case). */
  name: string;
  attr: number;
  firstCluster: number;
  size: number;
  data: Buffer;
  /** Cluster numbers in chain order. */
  chain: number[];
}

export interface FatVolume {
  bpb: FatBpb;
  clusters: number;
  label: string | null;
  files: FatEntry[];
}

export function readBpb(fs: Buffer): FatBpb {
  if (fs[510] !== 0x55 || fs[511] !== 0xaa) throw new Error('boot sector lacks the 55 AA signature');
  return {
    bytesPerSector: fs.readUInt16LE(11),
    sectorsPerCluster: fs[13]!,
    reservedSectors: fs.readUInt16LE(14),
    numFats: fs[16]!,
    rootEntries: fs.readUInt16LE(17),
    totalSectors: fs.readUInt16LE(19) || fs.readUInt32LE(32),
    media: fs[21]!,
    fatSectors: fs.readUInt16LE(22),
    hiddenSectors: fs.readUInt32LE(28),
    volumeId: fs.readUInt32LE(39),
    label: fs.toString('ascii', 43, 54),
    fsType: fs.toString('ascii', 54, 62),
  };
}

/** Parses the volume and every regular file in its root directory, following each FAT chain. */
export function readFat16(fs: Buffer): FatVolume {
  const b = readBpb(fs);
  if (b.bytesPerSector !== SECTOR) throw new Error(`bytes per sector ${b.bytesPerSector}, expected 512`);
  if (b.fatSectors === 0) throw new Error('BPB_FATSz16 is 0: FAT32, not FAT16');
  const rootSectors = Math.ceil((b.rootEntries * 32) / SECTOR);
  const rootStart = b.reservedSectors + b.numFats * b.fatSectors;
  const dataStart = rootStart + rootSectors;
  const clusters = Math.floor((b.totalSectors - dataStart) / b.sectorsPerCluster);
  if (clusters < 4085 || clusters > 65524) throw new Error(`${clusters} clusters: not FAT16`);
  const fatAt = (k: number) => fs.subarray((b.reservedSectors + k * b.fatSectors) * SECTOR, (b.reservedSectors + (k + 1) * b.fatSectors) * SECTOR);
  const fat = fatAt(0);
  for (let k = 1; k < b.numFats; k++) if (!fatAt(k).equals(fat)) throw new Error(`FAT copy ${k} differs from FAT 0`);
  const clusterBytes = b.sectorsPerCluster * SECTOR;
  const files: FatEntry[] = [];
  let label: string | null = null;
  const root = fs.subarray(rootStart * SECTOR, dataStart * SECTOR);
  for (let at = 0; at < root.length; at += 32) {
    const e = root.subarray(at, at + 32);
    if (e[0] === 0x00) break; // fatgen103 §6.1: no further entries
    if (e[0] === 0xe5) continue; // deleted
    const attr = e[11]!;
    if ((attr & 0x0f) === 0x0f) continue; // long-name entry
    const raw = e.toString('ascii', 0, 11);
    if (attr & 0x08) {
      label = raw.trimEnd();
      continue;
    }
    const name = raw.slice(0, 8).trimEnd() + (raw.slice(8).trim() ? `.${raw.slice(8).trimEnd()}` : '');
    const firstCluster = e.readUInt16LE(26);
    const size = e.readUInt32LE(28);
    const chain: number[] = [];
    for (let c = firstCluster; c >= 2 && c < 0xfff8; c = fat.readUInt16LE(c * 2)) {
      if (c > clusters + 1 || chain.length > clusters) throw new Error(`${name}: bad cluster ${c} in chain`);
      chain.push(c);
    }
    if (chain.length !== Math.ceil(size / clusterBytes)) throw new Error(`${name}: chain of ${chain.length} clusters for ${size} bytes`);
    const data = Buffer.concat(chain.map((c) => fs.subarray((dataStart + (c - 2) * b.sectorsPerCluster) * SECTOR, (dataStart + (c - 1) * b.sectorsPerCluster) * SECTOR)));
    files.push({ name, attr, firstCluster, size, data: data.subarray(0, size), chain });
  }
  return { bpb: b, clusters, label, files };
}
