// FAT16 writer: BPB bytes at their fatgen103 offsets, FAT entries and chains, directory entries, geometry limits, read-back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fat16Geometry, fatDateTime, formatFat16, shortName, FAT16_MAX_CLUSTERS, FAT16_MIN_CLUSTERS } from './fat16.ts';
import { readFat16 } from './fat-reader.ts';

const MiB = 2048; // sectors

test('BPB fields sit at the offsets fatgen103 §3.1-3.2 gives', () => {
  const fs = formatFat16([], { sectors: 16 * MiB, hiddenSectors: 2048, label: 'ESP', volumeId: 0x12345678 });
  assert.equal(fs.length, 16 * MiB * 512);
  assert.deepEqual([...fs.subarray(0, 3)], [0xeb, 0x3c, 0x90]); // BS_jmpBoot
  assert.equal(fs.readUInt16LE(11), 512); // BPB_BytsPerSec
  assert.equal(fs[13], 1); // BPB_SecPerClus: 16 MiB / 512 B = 32768 clusters fits FAT16
  assert.equal(fs.readUInt16LE(14), 1); // BPB_RsvdSecCnt
  assert.equal(fs[16], 2); // BPB_NumFATs
  assert.equal(fs.readUInt16LE(17), 512); // BPB_RootEntCnt
  assert.equal(fs.readUInt16LE(19), 32768); // BPB_TotSec16 (< 65536)
  assert.equal(fs[21], 0xf8); // BPB_Media
  assert.equal(fs.readUInt16LE(22), 127); // BPB_FATSz16: 32768-1-2*127-32 = 32481 clusters; (32481+2)*2 = 64966 <= 127*512
  assert.equal(fs.readUInt32LE(28), 2048); // BPB_HiddSec
  assert.equal(fs.readUInt32LE(32), 0); // BPB_TotSec32 unused
  assert.equal(fs[38], 0x29); // BS_BootSig
  assert.equal(fs.readUInt32LE(39), 0x12345678); // BS_VolID
  assert.equal(fs.toString('ascii', 43, 54), 'ESP        '); // BS_VolLab
  assert.equal(fs.toString('ascii', 54, 62), 'FAT16   '); // BS_FilSysType
  assert.deepEqual([fs[510], fs[511]], [0x55, 0xaa]);
});

test('large volumes use BPB_TotSec32 and bigger clusters', () => {
  const g = fat16Geometry(256 * MiB);
  assert.equal(g.sectorsPerCluster, 8); // 4 KiB clusters: 65536 of 512 B would exceed FAT16
  assert.ok(g.clusters >= FAT16_MIN_CLUSTERS && g.clusters <= FAT16_MAX_CLUSTERS);
  assert.ok((g.clusters + 2) * 2 <= g.fatSectors * 512 && (g.clusters + 2) * 2 > (g.fatSectors - 1) * 512, 'FAT is just big enough');
  const fs = formatFat16([], { sectors: 70_000 });
  assert.equal(fs.readUInt16LE(19), 0);
  assert.equal(fs.readUInt32LE(32), 70_000);
});

test('geometry refuses volumes FAT16 cannot describe', () => {
  assert.throws(() => fat16Geometry(2000), /too few/);
  assert.throws(() => fat16Geometry(8 * 1024 * MiB), /too many/);
});

test('FAT[0], FAT[1], contiguous chains ending in EOC, identical FAT copies', () => {
  const a = Buffer.alloc(1500, 1); // 3 clusters
  const b = Buffer.alloc(512, 2); // exactly 1 cluster
  const fs = formatFat16([{ name: 'a.bin', data: a }, { name: 'empty', data: Buffer.alloc(0) }, { name: 'b', data: b }], { sectors: 8 * MiB });
  const fatSz = fs.readUInt16LE(22);
  const fat = fs.subarray(512, 512 + fatSz * 512);
  assert.equal(fat.readUInt16LE(0), 0xfff8);
  assert.equal(fat.readUInt16LE(2), 0xffff);
  assert.deepEqual([3, 4, 5, 6, 7].map((c) => fat.readUInt16LE(c * 2 - 2)), [3, 4, 0xffff, 0xffff, 0]); // entries 2..6
  assert.ok(fs.subarray(512 + fatSz * 512, 512 + 2 * fatSz * 512).equals(fat), 'second FAT equals the first');
});

test('directory entries: volume label first, 8.3 names, attributes, cluster, size, dates', () => {
  const fs = formatFat16([{ name: 'startup.nsh', data: Buffer.from('echo hi\r\n') }], { sectors: 8 * MiB, label: 'stage0esp', time: new Date(Date.UTC(2025, 5, 30, 13, 45, 58)) });
  const root = (1 + 2 * fs.readUInt16LE(22)) * 512;
  assert.equal(fs.toString('ascii', root, root + 11), 'STAGE0ESP  ');
  assert.equal(fs[root + 11], 0x08);
  const e = root + 32;
  assert.equal(fs.toString('ascii', e, e + 11), 'STARTUP NSH');
  assert.equal(fs[e + 11], 0x20);
  assert.equal(fs.readUInt16LE(e + 20), 0); // FstClusHI
  assert.equal(fs.readUInt16LE(e + 26), 2); // first data cluster
  assert.equal(fs.readUInt32LE(e + 28), 9);
  assert.equal(fs.readUInt16LE(e + 24), (45 << 9) | (6 << 5) | 30);
  assert.equal(fs.readUInt16LE(e + 22), (13 << 11) | (45 << 5) | 29);
  assert.equal(fs[e + 32], 0, 'end-of-directory marker after the last entry');
  const data = (1 + 2 * fs.readUInt16LE(22) + 32) * 512;
  assert.equal(fs.toString('ascii', data, data + 9), 'echo hi\r\n');
});

test('8.3 names: upper-cased and padded; long or odd names refused', () => {
  const table: [string, string | null][] = [
    ['vmlinuz', 'VMLINUZ    '],
    ['initrd.img', 'INITRD  IMG'],
    ['A.B', 'A       B  '],
    ['bootx64.efi', 'BOOTX64 EFI'],
    ['toolongname', null],
    ['a.toolong', null],
    ['two.dots.x', null],
    ['sp ace', null],
    ['', null],
    ['dir/file', null],
  ];
  for (const [name, want] of table) {
    if (want === null) assert.throws(() => shortName(name), /8\.3/, name);
    else assert.equal(shortName(name).toString('ascii'), want, name);
  }
});

test('duplicate names, too many files and too little space are refused', () => {
  assert.throws(() => formatFat16([{ name: 'a', data: Buffer.alloc(1) }, { name: 'A', data: Buffer.alloc(1) }], { sectors: 8 * MiB }), /share/);
  assert.throws(() => formatFat16([{ name: 'big', data: Buffer.alloc(9 * 1024 * 1024) }], { sectors: 8 * MiB }), /clusters/);
  const many = Array.from({ length: 512 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(0) }));
  assert.throws(() => formatFat16(many, { sectors: 8 * MiB }), /at most 511/);
  assert.equal(fatDateTime(new Date(Date.UTC(1980, 0, 1))).date, (0 << 9) | (1 << 5) | 1);
});

test('read-back: every file comes back byte for byte through its FAT chain', () => {
  const files = [
    { name: 'vmlinuz', data: Buffer.from(Array.from({ length: 300_001 }, (_, i) => (i * 7) & 0xff)) },
    { name: 'initrd.img', data: Buffer.alloc(70_000, 0xab) },
    { name: 'startup.nsh', data: Buffer.from('\\vmlinuz initrd=\\initrd.img\r\n') },
    { name: 'zero', data: Buffer.alloc(0) },
  ];
  const vol = readFat16(formatFat16(files, { sectors: 64 * MiB, label: 'RB' }));
  assert.equal(vol.label, 'RB');
  assert.equal(vol.bpb.sectorsPerCluster, 2);
  assert.deepEqual(vol.files.map((f) => f.name), ['VMLINUZ', 'INITRD.IMG', 'STARTUP.NSH', 'ZERO']);
  files.forEach((f, i) => assert.ok(vol.files[i]!.data.equals(f.data), f.name));
  assert.equal(vol.files[1]!.chain[0], vol.files[0]!.chain.at(-1)! + 1, 'contiguous allocation');
  assert.deepEqual(vol.files[3]!.chain, []);
});

test('read-back rejects a damaged chain or FAT copy', () => {
  const fs = formatFat16([{ name: 'x', data: Buffer.alloc(2000, 1) }], { sectors: 8 * MiB });
  const broken = Buffer.from(fs);
  broken.writeUInt16LE(0xffff, 512 + 2 * 2); // cut cluster 2's chain short, in FAT 0 only
  assert.throws(() => readFat16(broken), /FAT copy 1 differs/);
  const fatSz = fs.readUInt16LE(22);
  broken.writeUInt16LE(0xffff, 512 + fatSz * 512 + 2 * 2);
  assert.throws(() => readFat16(broken), /chain of 1 clusters for 2000 bytes/);
});
