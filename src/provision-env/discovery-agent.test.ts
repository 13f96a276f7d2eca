// The real discovery agent, run by busybox sh against a fake /proc and /sys tree, and reporting to a real stage0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DISCOVERY_AGENT_SCRIPT } from './discovery-agent.ts';
import { parseDiscoveryFacts } from '../domain/discovery/discovery-facts.ts';
import { call, startTestServer } from '../../test/support/stage0-server.ts';

const BUSYBOX = '/bin/busybox';
const root = mkdtempSync(join(tmpdir(), 's0-agent-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

const cpu = (n: number, core: number) => `processor\t: ${n}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\nphysical id\t: 0\ncore id\t\t: ${core}\ncpu cores\t: 2\nflags\t\t: fpu vme sse2 lm avx2 BAD-FLAG\n\n`;
// Two cores with hyper-threading: 4 threads, 2 cores, 1 socket.
put('proc/cpuinfo', cpu(0, 0) + cpu(1, 1) + cpu(2, 0) + cpu(3, 1));
put('proc/meminfo', 'MemTotal:        3969284 kB\nMemFree:          100000 kB\n');
put('sys/devices/system/memory/block_size_bytes', '8000000\n');
for (let i = 0; i < 32; i++) put(`sys/devices/system/memory/memory${i}/online`, i < 31 ? '1\n' : '0\n'); // 31 × 128 MiB online
put('sys/block/vda/size', '41943040\n');
put('sys/block/vda/serial', 'VIRT-SN-1\n');
put('sys/block/vda/queue/rotational', '1\n');
put('sys/block/sda/size', '1953525168\n');
put('sys/block/sda/device/model', 'Samsung SSD "870" \\ EVO  \n'); // quote and backslash must be escaped, padding trimmed
put('sys/block/sda/device/vpd_pg80', Buffer.concat([Buffer.from([0, 0x80, 0, 8]), Buffer.from('S5SSN123')]));
put('sys/block/sda/queue/rotational', '0\n');
put('sys/block/nvme0n1/size', '1000215216\n');
put('sys/block/nvme0n1/device/model', 'NVMe\u0001 Disk\u00e9\n'); // control and non-ASCII bytes dropped
put('sys/block/nvme0n1/device/serial', 'NV-77\n');
put('sys/block/loop0/size', '100\n');
put('sys/block/ram0/size', '100\n');
mkdirSync(join(root, 'sys/bus/pci/drivers/e1000'), { recursive: true });
put('sys/class/net/eth0/address', '52:54:00:AB:CD:EF\n');
put('sys/class/net/eth0/carrier', '1\n');
put('sys/class/net/eth0/speed', '1000\n');
mkdirSync(join(root, 'sys/class/net/eth0/device'), { recursive: true });
symlinkSync(join(root, 'sys/bus/pci/drivers/e1000'), join(root, 'sys/class/net/eth0/device/driver'));
put('sys/class/net/eth1/address', '52:54:00:00:00:02\n');
put('sys/class/net/eth1/carrier', '0\n');
put('sys/class/net/eth1/speed', '-1\n');
mkdirSync(join(root, 'sys/class/net/eth1/device'), { recursive: true });
put('sys/class/net/lo/address', '00:00:00:00:00:00\n'); // no device link: virtual, skipped
put('sys/class/dmi/id/product_uuid', 'A1B2C3D4-0000-1111-2222-333344445555\n');
put('sys/class/dmi/id/product_serial', 'SRV-0042\n');
put('sys/class/dmi/id/sys_vendor', 'QEMU\n');
put('sys/class/dmi/id/product_name', 'Standard PC (i440FX + PIIX, 1996)\n');

function runAgent(mode: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  assert.ok(existsSync(BUSYBOX), 'busybox-static is needed: apt-get install busybox-static');
  return new Promise((resolve) => {
    execFile(BUSYBOX, ['sh', '-c', DISCOVERY_AGENT_SCRIPT, 'discover.sh', mode], { env: { PATH: '/usr/bin:/bin', TMPDIR: root, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('print: facts from the fake tree, valid JSON the server accepts', async () => {
  const r = await runAgent('print', { STAGE0_ROOT: root, STAGE0_MAC: '52:54:00:AB:CD:EF' });
  assert.equal(r.code, 0, r.stderr);
  const raw = JSON.parse(r.stdout) as Record<string, unknown>;
  const f = parseDiscoveryFacts(raw);
  assert.equal(f.bootMac, '52:54:00:ab:cd:ef');
  assert.deepEqual(f.cpu, { model: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', sockets: 1, cores: 2, threads: 4, flags: ['fpu', 'vme', 'sse2', 'lm', 'avx2'] });
  assert.deepEqual(f.memory, { totalMiB: 31 * 128, usableMiB: 3876 });
  assert.deepEqual(f.disks.map((d) => [d.name, d.sizeBytes, d.model, d.serial, d.rotational]), [
    ['nvme0n1', 1000215216 * 512, 'NVMe Disk', 'NV-77', false],
    ['sda', 1953525168 * 512, 'Samsung SSD "870" \\ EVO', 'S5SSN123', false],
    ['vda', 41943040 * 512, '', 'VIRT-SN-1', true],
  ]);
  assert.deepEqual(f.nics, [
    { name: 'eth0', mac: '52:54:00:ab:cd:ef', driver: 'e1000', carrier: true, speedMbps: 1000 },
    { name: 'eth1', mac: '52:54:00:00:00:02', driver: '', carrier: false, speedMbps: null },
  ]);
  assert.deepEqual(f.dmi, { uuid: 'a1b2c3d4-0000-1111-2222-333344445555', serial: 'SRV-0042', vendor: 'QEMU', product: 'Standard PC (i440FX + PIIX, 1996)', boardSerial: '' });
});

test('print on an empty tree still gives a document (then refused by the server for lack of a CPU)', async () => {
  const empty = mkdtempSync(join(tmpdir(), 's0-agent-empty-'));
  try {
    const r = await runAgent('print', { STAGE0_ROOT: empty });
    assert.equal(r.code, 0, r.stderr);
    const raw = JSON.parse(r.stdout) as { disks: unknown[]; nics: unknown[] };
    assert.deepEqual([raw.disks, raw.nics], [[], []]);
    assert.throws(() => parseDiscoveryFacts(raw), /cpu\.(sockets|cores|threads)/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('report: POSTs to a real stage0 and prints its answer; the entry is recorded', async () => {
  const server = await startTestServer('sqlite');
  try {
    const r = await runAgent('report', { STAGE0_ROOT: root, STAGE0_MAC: '52:54:00:ab:cd:ef', STAGE0_SERVER: server.url });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ACTION=poweroff ENTRY=1 STATUS=pending\n$/);
    const list = await call(server.url, 'GET', '/api/v1/discovery');
    assert.equal(list.body.items[0].facts.dmi.serial, 'SRV-0042');
    const none = await runAgent('report', { STAGE0_ROOT: root, STAGE0_MAC: '52:54:00:ab:cd:ef', STAGE0_SERVER: '' });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no stage0\.server=/);
  } finally {
    await server.stop();
  }
});
