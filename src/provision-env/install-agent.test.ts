// The install agent under real busybox sh (applets only on PATH) against a loopback HTTP server playing stage0's
// install callbacks and image route; a regular file stands in for the disk, a fake /sys/block tree for the kernel's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeSeedUpUrl, SEED_LBA, SEED_SECTORS } from '../images/seed-region.ts';
import { INSTALL_AGENT_SCRIPT, INSTALL_FAILED_MARKER, INSTALL_OK_MARKER } from './install-agent.ts';

const BUSYBOX = '/bin/busybox';
const TOKEN = 'tok_' + 'a'.repeat(40);
const IMAGE = randomBytes(900 * 1024); // spans the seed region (512 KiB + 4 KiB)
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Call {
  path: string;
  contentType: string | undefined;
  body: string;
}

/** One fake stage0: the install endpoints for TOKEN plus /img/<file>; `catalog` is what /config claims about the image. */
function fakeStage0(catalog: { format: 'raw' | 'gz'; sha256: string; size: number; file: string }, files: Record<string, Buffer>, disk = '', slowMs = 0) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = req.url ?? '';
      calls.push({ path: url, contentType: req.headers['content-type'], body });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const m = /^\/api\/v1\/install\/([^/]+)\/(\w+)$/.exec(url);
      if (m && m[1] !== TOKEN) return res.writeHead(404).end('stage0: unknown install token\n');
      if (m?.[2] === 'config') {
        return res.end([`NODE='n1'`, `MAC='52:54:00:00:00:01'`, `SERVER='${base}'`, `PROFILE='test'`, `IMAGE_URL='${base}/img/${catalog.file}'`, `IMAGE_FORMAT='${catalog.format}'`,
          `IMAGE_SHA256='${catalog.sha256}'`, `IMAGE_SIZE='${catalog.size}'`, `DISK='${disk}'`, `echo INJECTED`, ''].join('\n'));
      }
      if (m?.[2] === 'done') return res.end(`UP_URL='${base}/api/v1/install/up_${'b'.repeat(40)}/up'\n`);
      if (m) return res.end('ok\n');
      const f = /^\/img\/(.+)$/.exec(url);
      const img = f && files[f[1]!];
      if (img && slowMs) {
        // Half now, the rest later: the agent must report progress while the write runs.
        res.write(img.subarray(0, img.length >> 1));
        return void setTimeout(() => res.end(img.subarray(img.length >> 1)), slowMs).unref(); // unref: a stalled test server must not hold the run
      }
      if (img) return res.end(img);
      res.writeHead(404).end();
    });
  });
  return { calls, server, listen: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))) };
}

let root: string;
let binDir: string;
before(async () => {
  assert.ok(existsSync(BUSYBOX), 'busybox is missing: apt-get install -y busybox-static');
  root = await mkdtemp(path.join(tmpdir(), 's0-agent-'));
  binDir = path.join(root, 'bin');
  mkdirSync(binDir);
  // Only busybox applets on PATH: the script must not lean on the host's coreutils or GNU wget.
  const list = await new Promise<string>((resolve) => {
    let out = '';
    spawn(BUSYBOX, ['--list']).stdout.on('data', (d: Buffer) => (out += d)).on('end', () => resolve(out));
  });
  for (const a of list.split('\n').filter(Boolean)) symlinkSync(BUSYBOX, path.join(binDir, a));
});
after(async () => rm(root, { recursive: true, force: true }));

/** A machine: /sys/block with a loop device, a CD drive and a virtio disk; /dev/vda is a file of 0xEE bytes. */
function machine(name: string, diskBytes = 4 * 1024 * 1024) {
  const dir = path.join(root, name);
  const block = (dev: string, removable: number, sectors: number) => {
    mkdirSync(path.join(dir, 'sys/block', dev), { recursive: true });
    writeFileSync(path.join(dir, 'sys/block', dev, 'removable'), `${removable}\n`);
    writeFileSync(path.join(dir, 'sys/block', dev, 'size'), `${sectors}\n`);
  };
  block('loop0', 0, 100);
  block('sr0', 1, 1000);
  block('vda', 0, diskBytes / 512);
  writeFileSync(path.join(dir, 'sys/block/vda/stat'), '     100        0     800        0        5        0       40        0        0        0        0\n');
  mkdirSync(path.join(dir, 'dev'), { recursive: true });
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  writeFileSync(path.join(dir, 'dev/vda'), Buffer.alloc(diskBytes, 0xee));
  return dir;
}

function runAgent(dir: string, server: string, token = TOKEN, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(BUSYBOX, ['sh', '-c', INSTALL_AGENT_SCRIPT], {
      env: { PATH: binDir, STAGE0_SERVER: server, STAGE0_TOKEN: token, STAGE0_SYS_BLOCK: `${dir}/sys/block`, STAGE0_DEV_DIR: `${dir}/dev`, STAGE0_TMP: `${dir}/tmp`, STAGE0_REBOOT_CMD: 'echo REBOOTING', STAGE0_PROGRESS_SECONDS: '1', ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

const endpoints = (calls: Call[]) => calls.map((c) => c.path.replace(/^\/api\/v1\/install\/[^/]+\//, '').replace(/^\/img\/.*/, 'image'));

for (const format of ['raw', 'gz'] as const) {
  test(`${format}: picks vda, writes and verifies the image, reports done, leaves the seed, reboots`, async () => {
    const file = format === 'gz' ? 'disk.raw.gz' : 'disk.raw';
    const fake = fakeStage0({ format, sha256: sha(IMAGE), size: IMAGE.length, file }, { [file]: format === 'gz' ? gzipSync(IMAGE) : IMAGE });
    const base = await fake.listen();
    try {
      const dir = machine(`ok-${format}`);
      const r = await runAgent(dir, base);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`${INSTALL_OK_MARKER} node=n1 disk=${dir}/dev/vda sha256=${sha(IMAGE)}`));
      assert.match(r.out, /REBOOTING/);
      assert.doesNotMatch(r.out, /INJECTED/, 'only KEY=\'value\' lines of the config are sourced');
      const seq = endpoints(fake.calls).filter((p) => p !== 'log');
      assert.deepEqual(seq, ['config', 'started', 'image', 'done']);
      const logs = fake.calls.filter((c) => c.path.endsWith('/log'));
      assert.ok(logs.length >= 3 && logs.every((c) => c.contentType === 'text/plain'), 'log lines are sent as text/plain');
      assert.ok(logs.some((c) => c.body.includes('sha256 verified')), logs.map((c) => c.body).join('\n'));
      const disk = readFileSync(`${dir}/dev/vda`);
      const seedAt = SEED_LBA * 512;
      const seedEnd = seedAt + SEED_SECTORS * 512;
      assert.ok(disk.subarray(0, seedAt).equals(IMAGE.subarray(0, seedAt)), 'image bytes before the seed');
      assert.ok(disk.subarray(seedEnd, IMAGE.length).equals(IMAGE.subarray(seedEnd)), 'image bytes after the seed');
      assert.ok(disk.subarray(IMAGE.length).every((b) => b === 0xee), 'the rest of the disk untouched');
      assert.equal(decodeSeedUpUrl(disk.subarray(seedAt, seedEnd)), `${base}/api/v1/install/up_${'b'.repeat(40)}/up`);
    } finally {
      fake.server.close();
    }
  });
}

test('a slow download reports progress lines (sectors written from /sys/block/<disk>/stat) and still verifies', async () => {
  const fake = fakeStage0({ format: 'raw', sha256: sha(IMAGE), size: IMAGE.length, file: 'disk.raw' }, { 'disk.raw': IMAGE }, '', 2500);
  const base = await fake.listen();
  try {
    const r = await runAgent(machine('slow'), base);
    assert.equal(r.code, 0, r.out);
    const progress = fake.calls.filter((c) => c.path.endsWith('/log') && c.body.startsWith('progress: '));
    assert.ok(progress.length >= 1, r.out);
    assert.match(progress[0]!.body, /^progress: 0 of 0 MiB written after \d+ s$/);
  } finally {
    fake.server.close();
  }
});

test('a download that stops (nothing reaches the disk for STAGE0_STALL_SECONDS) fails instead of hanging', async () => {
  const fake = fakeStage0({ format: 'raw', sha256: sha(IMAGE), size: IMAGE.length, file: 'disk.raw' }, { 'disk.raw': IMAGE }, '', 3_600_000);
  const base = await fake.listen();
  try {
    const t0 = Date.now();
    const r = await runAgent(machine('stall'), base, TOKEN, { STAGE0_STALL_SECONDS: '2' });
    assert.equal(r.code, 1, r.out);
    assert.ok(Date.now() - t0 < 15_000, 'gave up within seconds');
    assert.match(fake.calls.find((c) => c.path.endsWith('/failed'))?.body ?? '', /download stalled: nothing written for 2 s/);
    assert.doesNotMatch(r.out, /REBOOTING/);
  } finally {
    fake.server.closeAllConnections();
    fake.server.close();
  }
});

test('corrupted image: checksum mismatch -> /failed with the reason, no done, no reboot, exit 1', async () => {
  const bad = Buffer.from(IMAGE);
  bad[1000] = bad[1000]! ^ 0xff;
  const fake = fakeStage0({ format: 'raw', sha256: sha(IMAGE), size: IMAGE.length, file: 'disk.raw' }, { 'disk.raw': bad });
  const base = await fake.listen();
  try {
    const r = await runAgent(machine('corrupt'), base);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`${INSTALL_FAILED_MARKER} checksum mismatch`));
    assert.doesNotMatch(r.out, /REBOOTING/);
    const seq = endpoints(fake.calls).filter((p) => p !== 'log');
    assert.deepEqual(seq, ['config', 'started', 'image', 'failed']);
    const failed = fake.calls.find((c) => c.path.endsWith('/failed'))!;
    assert.match(failed.body, new RegExp(`checksum mismatch on .*/dev/vda: image sha256 ${sha(bad)}, catalog says ${sha(IMAGE)}`));
  } finally {
    fake.server.close();
  }
});

test('image missing (404), disk too small, no disk, refused token: each fails with its reason', async () => {
  const cases: { name: string; files: Record<string, Buffer>; diskBytes?: number; disk?: string; token?: string; reason: RegExp; reported: boolean }[] = [
    { name: 'no-image', files: {}, reason: /writing the image failed/, reported: true },
    { name: 'small', files: { 'disk.raw': IMAGE }, diskBytes: 512 * 1024, reason: /smaller than the image/, reported: true },
    { name: 'no-disk', files: { 'disk.raw': IMAGE }, disk: 'sdz', reason: /disk .*sdz does not exist/, reported: true },
    { name: 'token', files: { 'disk.raw': IMAGE }, token: 'tok_wrong', reason: /cannot fetch the install config/, reported: false },
  ];
  for (const c of cases) {
    const fake = fakeStage0({ format: 'raw', sha256: sha(IMAGE), size: IMAGE.length, file: 'disk.raw' }, c.files, c.disk);
    const base = await fake.listen();
    try {
      const r = await runAgent(machine(`fail-${c.name}`, c.diskBytes), base, c.token);
      assert.equal(r.code, 1, `${c.name}: ${r.out}`);
      assert.match(r.out, c.reason, c.name);
      assert.doesNotMatch(r.out, /REBOOTING/, c.name);
      const failed = fake.calls.filter((x) => x.path.endsWith('/failed'));
      if (c.reported) assert.match(failed[0]?.body ?? '', c.reason, c.name);
      assert.ok(!fake.calls.some((x) => x.path.endsWith('/done')), `${c.name}: never done`);
    } finally {
      fake.server.close();
    }
  }
});
