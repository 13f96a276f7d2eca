// Master Boot Record partition table (one sector at LBA 0): the classic PC layout OVMF and Linux both read.
// Layout: UEFI 2.10 §5.2.1 "Legacy Master Boot Record" (table 5-1, 5-2); partition type 0xEF = EFI System Partition.

export const SECTOR = 512;
/** Partition type byte of an EFI System Partition (UEFI §5.2.2). */
export const MBR_TYPE_ESP = 0xef;

export interface MbrPartition {
  /** OS indicator byte (0xEF for an ESP, 0x0E for FAT16 LBA). */
  type: number;
  startLba: number;
  sectors: number;
  bootable?: boolean;
}

/** CHS address for legacy readers (255 heads, 63 sectors); beyond cylinder 1023 the spec's 1023/254/63 marker. */
export function chs(lba: number): [number, number, number] {
  const cyl = Math.floor(lba / (255 * 63));
  if (cyl > 1023) return [0xfe, 0xff, 0xff];
  const head = Math.floor(lba / 63) % 255;
  const sector = (lba % 63) + 1;
  return [head, ((cyl >> 2) & 0xc0) | sector, cyl & 0xff];
}

/** Encodes sector 0: boot code (default none) at 0, disk signature at 440, four 16-byte entries at 446, 0x55AA at 510. */
export function encodeMbr(partitions: readonly MbrPartition[], diskSignature: number, bootCode: Buffer = Buffer.alloc(0)): Buffer {
  if (partitions.length > 4) throw new Error('an MBR holds at most 4 primary partitions');
  if (bootCode.length > 440) throw new Error(`MBR boot code is ${bootCode.length} bytes; at most 440 fit before the disk signature`);
  const mbr = Buffer.alloc(SECTOR);
  bootCode.copy(mbr, 0);
  mbr.writeUInt32LE(diskSignature >>> 0, 440);
  partitions.forEach((p, i) => {
    if (p.startLba < 1 || p.sectors < 1 || p.startLba + p.sectors > 0xffffffff) throw new Error(`partition ${i + 1}: LBA range out of MBR limits`);
    const at = 446 + i * 16;
    mbr[at] = p.bootable ? 0x80 : 0x00;
    Buffer.from(chs(p.startLba)).copy(mbr, at + 1);
    mbr[at + 4] = p.type;
    Buffer.from(chs(p.startLba + p.sectors - 1)).copy(mbr, at + 5);
    mbr.writeUInt32LE(p.startLba, at + 8);
    mbr.writeUInt32LE(p.sectors, at + 12);
  });
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}

/** Decodes the non-empty entries of sector 0; throws without the 0x55AA signature. */
export function decodeMbr(sector0: Buffer): MbrPartition[] {
  if (sector0.length < SECTOR || sector0[510] !== 0x55 || sector0[511] !== 0xaa) throw new Error('no MBR signature 55 AA at offset 510');
  const out: MbrPartition[] = [];
  for (let i = 0; i < 4; i++) {
    const at = 446 + i * 16;
    const type = sector0[at + 4]!;
    if (type === 0) continue;
    out.push({ type, startLba: sector0.readUInt32LE(at + 8), sectors: sector0.readUInt32LE(at + 12), bootable: sector0[at] === 0x80 });
  }
  return out;
}
