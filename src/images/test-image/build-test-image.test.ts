// The test image read back byte by byte: MBR (ESP + BIOS stub), FAT16 files, an EFI-stub kernel, the initramfs
// (init, modules, order), startup.nsh; cached by inputs; `stage0 image build-test-image` writes raw and gz copies.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decodeMbr } from '../disk/mbr.ts';
import { readFat16 } from '../disk/fat-reader.ts';
import { biosSerialStub } from '../disk/bios-serial-stub.ts';
import { SEED_LBA, SEED_SECTORS } from '../seed-region.ts';
import { buildTestImage, TEST_IMAGE_CMDLINE } from './build-test-image.ts';
import { DISK_INIT_SCRIPT } from './disk-init-script.ts';
import { runCli } from '../../../test/support/run-cli.ts';

const CACHE = `${process.env.STAGE0_LAB_ROOT ?? '/var/tmp/stage0-lab'}/cache`;

/** newc cpio members (name -> data), enough to check what the initramfs holds. */
function readCpio(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const pad = (n: number) => (n + 3) & ~3;
  for (let at = 0; at < buf.length; ) {
    assert.equal(buf.toString('ascii', at, at + 6), '070701', `cpio magic at ${at}`);
    const field = (i: number) => parseInt(buf.toString('ascii', at + 6 + i * 8, at + 14 + i * 8), 16);
    const size = field(6);
    const nameSize = field(11);
    const name = buf.toString('utf8', at + 110, at + 110 + nameSize - 1);
    const dataAt = pad(at + 110 + nameSize);
    if (name === 'TRAILER!!!') break;
    out.set(name, buf.subarray(dataAt, dataAt + size));
    at = pad(dataAt + size);
  }
  return out;
}

test('test image: MBR + ESP with an EFI-stub kernel, the on-disk initramfs and startup.nsh', { timeout: 120_000 }, async () => {
  const img = await buildTestImage(CACHE);
  const disk = readFileSync(img.path);
  assert.equal(createHash('sha256').update(disk).digest('hex'), img.sha256);
  assert.equal(disk.length, img.size);
  const stub = biosSerialStub();
  assert.ok(disk.subarray(0, stub.length).equals(stub), 'BIOS stub in the MBR');
  const [esp] = decodeMbr(disk);
  assert.deepEqual([esp!.type, esp!.startLba], [0xef, 2048]);
  assert.ok(disk.subarray(SEED_LBA * 512, (SEED_LBA + SEED_SECTORS) * 512).every((b) => b === 0), 'seed region empty until an install');
  const vol = readFat16(disk.subarray(esp!.startLba * 512, (esp!.startLba + esp!.sectors) * 512));
  assert.deepEqual(vol.files.map((f) => f.name), ['VMLINUZ', 'INITRD.IMG', 'STARTUP.NSH']);
  const [kernel, initrd, nsh] = vol.files;
  assert.equal(kernel!.data.toString('ascii', 0, 2), 'MZ', 'PE/COFF header: the kernel is an EFI stub');
  assert.equal(kernel!.data.toString('ascii', kernel!.data.readUInt32LE(0x3c), kernel!.data.readUInt32LE(0x3c) + 4), 'PE\0\0');
  assert.match(nsh!.data.toString(), new RegExp(`\\r\\nfs0:\\r\\n\\\\vmlinuz initrd=\\\\initrd\\.img ${TEST_IMAGE_CMDLINE}\\r\\n$`));
  const cpio = readCpio(gunzipSync(initrd!.data));
  assert.equal(cpio.get('init')?.toString(), DISK_INIT_SCRIPT);
  const order = cpio.get('lib/modules/order')!.toString().trim().split('\n');
  assert.ok(order.includes('virtio_blk') && order.includes('virtio_net'), order.join(','));
  assert.ok(order.indexOf('virtio_ring') < order.indexOf('virtio_blk'), 'dependencies first');
  for (const m of order) assert.ok(cpio.get(`lib/modules/${m}.ko`)?.subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1')), `${m}.ko`);
  assert.ok(cpio.has('bin/busybox') && cpio.has('usr/share/udhcpc/default.script'));
  const again = await buildTestImage(CACHE);
  assert.deepEqual(again, img, 'second build is the cached one');
});

test('stage0 image build-test-image writes raw and gz copies', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's0-testimg-'));
  try {
    const raw = await runCli(['image', 'build-test-image', '--out', path.join(dir, 't.img'), '--json']);
    assert.equal(raw.code, 0, raw.stderr);
    const meta = JSON.parse(raw.stdout) as { sha256: string; size: number };
    assert.equal(createHash('sha256').update(readFileSync(path.join(dir, 't.img'))).digest('hex'), meta.sha256);
    const gz = await runCli(['image', 'build-test-image', '--out', path.join(dir, 't.img.gz'), '--format', 'gz']);
    assert.equal(gz.code, 0, gz.stderr);
    assert.match(gz.stdout, new RegExp(`t\\.img\\.gz: gz, ${meta.size} bytes raw, sha256 ${meta.sha256}`));
    assert.equal(createHash('sha256').update(gunzipSync(readFileSync(path.join(dir, 't.img.gz')))).digest('hex'), meta.sha256);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
