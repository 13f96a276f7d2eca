// MBR encode/decode and the whole ESP disk: partition entry bytes (UEFI §5.2.1), ESP at 1 MiB, seed region free, read-back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chs, decodeMbr, encodeMbr, MBR_TYPE_ESP } from './mbr.ts';
import { buildEspDisk, ESP_START_LBA, espSizeMiB } from './disk-image.ts';
import { readFat16 } from './fat-reader.ts';
import { biosSerialStub, BIOS_STUB_MARKER } from './bios-serial-stub.ts';
import { decodeSeedUpUrl, encodeSeed, SEED_LBA, SEED_SECTORS } from '../seed-region.ts';

test('MBR partition entry bytes', () => {
  const mbr = encodeMbr([{ type: MBR_TYPE_ESP, startLba: 2048, sectors: 16384, bootable: true }], 0xdeadbeef);
  assert.equal(mbr.length, 512);
  assert.equal(mbr.readUInt32LE(440), 0xdeadbeef);
  assert.equal(mbr[446], 0x80);
  assert.deepEqual([...mbr.subarray(447, 450)], [32, 33, 0]); // LBA 2048 = C0 H32 S33
  assert.equal(mbr[450], 0xef);
  assert.equal(mbr.readUInt32LE(454), 2048);
  assert.equal(mbr.readUInt32LE(458), 16384);
  assert.ok(mbr.subarray(462, 510).every((b) => b === 0), 'entries 2-4 empty');
  assert.deepEqual([mbr[510], mbr[511]], [0x55, 0xaa]);
  assert.deepEqual(decodeMbr(mbr), [{ type: 0xef, startLba: 2048, sectors: 16384, bootable: true }]);
});

test('MBR boot code goes at offset 0, never over the signature or the table', () => {
  const stub = biosSerialStub();
  const mbr = encodeMbr([{ type: MBR_TYPE_ESP, startLba: 2048, sectors: 16384 }], 7, stub);
  assert.ok(mbr.subarray(0, stub.length).equals(stub));
  assert.equal(mbr.readUInt32LE(440), 7);
  assert.equal(mbr[450], 0xef);
  assert.equal(stub.indexOf(`${BIOS_STUB_MARKER}`), 24, 'message right after the 22 code bytes and CR LF (mov si, 0x7C16)');
  assert.equal(stub.length <= 440, true);
  assert.throws(() => encodeMbr([], 0, Buffer.alloc(441)), /at most 440/);
});

test('CHS beyond cylinder 1023 uses the 1023/254/63 marker', () => {
  assert.deepEqual(chs(0), [0, 1, 0]);
  assert.deepEqual(chs(1024 * 255 * 63), [0xfe, 0xff, 0xff]);
  assert.throws(() => decodeMbr(Buffer.alloc(512)), /55 AA/);
  assert.throws(() => encodeMbr([{ type: 1, startLba: 0, sectors: 1 }], 0), /out of MBR limits/);
});

test('ESP disk: MBR -> FAT16 at LBA 2048 with the files; the seed region is zero', () => {
  const files = [{ name: 'vmlinuz', data: Buffer.alloc(3 * 1024 * 1024, 0x4d) }, { name: 'startup.nsh', data: Buffer.from('\\vmlinuz\r\n') }];
  const { image, layout } = buildEspDisk({ files });
  assert.equal(layout.espStartLba, ESP_START_LBA);
  assert.equal(layout.espSectors, espSizeMiB(files) * 2048);
  assert.equal(image.length, (ESP_START_LBA + layout.espSectors) * 512);
  const [p] = decodeMbr(image);
  assert.deepEqual(p, { type: 0xef, startLba: 2048, sectors: layout.espSectors, bootable: false });
  const vol = readFat16(image.subarray(2048 * 512));
  assert.equal(vol.bpb.hiddenSectors, 2048);
  assert.equal(vol.bpb.totalSectors, layout.espSectors);
  assert.ok(vol.files[0]!.data.equals(files[0]!.data));
  assert.ok(image.subarray(SEED_LBA * 512, (SEED_LBA + SEED_SECTORS) * 512).every((b) => b === 0));
  assert.equal(decodeSeedUpUrl(image.subarray(SEED_LBA * 512, (SEED_LBA + SEED_SECTORS) * 512)), null);
});

test('seed region: encode/decode, NUL padding, size limit', () => {
  const seed = encodeSeed("UP_URL='http://10.0.0.1:8080/api/v1/install/abc/up'\n");
  assert.equal(seed.length, SEED_SECTORS * 512);
  assert.equal(decodeSeedUpUrl(seed), 'http://10.0.0.1:8080/api/v1/install/abc/up');
  assert.equal(seed[seed.length - 1], 0);
  assert.equal(decodeSeedUpUrl(Buffer.from("UP_URL='x'\n")), null, 'no magic line, no seed');
  assert.throws(() => encodeSeed('x'.repeat(5000)), /holds 4096/);
});
