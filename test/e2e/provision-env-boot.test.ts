// The provisioning environment on its own (direct kernel boot, no PXE): every disk driver it carries finds its disk,
// the NIC gets an address from QEMU's internal DHCP (restrict=on: no traffic leaves QEMU), shell mode gives a console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProvisionEnv } from '../../src/provision-env/build-env.ts';
import { SHELL_READY_MARKER } from '../../src/provision-env/env-init-script.ts';
import { QEMU, requireQemu } from '../../src/lab/qemu-vm.ts';
import { sleep } from '../../src/lab/exec.ts';
import { E2E_LAB_ROOT } from './support/lab-harness.ts';

interface Disk { serial: string; module: string; dev: (file: string) => string[] }
const DISKS: Disk[] = [
  { serial: 'S0-VIRTIO-BLK', module: 'virtio_blk', dev: (d) => ['-drive', `file=${d},if=none,id=d1,format=raw`, '-device', 'virtio-blk-pci,drive=d1,serial=S0-VIRTIO-BLK'] },
  { serial: 'S0-VIRTIO-SCSI', module: 'virtio_scsi', dev: (d) => ['-device', 'virtio-scsi-pci,id=scsi0', '-drive', `file=${d},if=none,id=d2,format=raw`, '-device', 'scsi-hd,drive=d2,bus=scsi0.0,serial=S0-VIRTIO-SCSI'] },
  // The pc machine's own PIIX3 IDE controller (ata_piix): SATA disks of servers set to legacy/IDE mode.
  { serial: 'S0-IDE', module: 'ata_piix', dev: (d) => ['-drive', `file=${d},if=none,id=d3,format=raw`, '-device', 'ide-hd,drive=d3,bus=ide.0,serial=S0-IDE'] },
  { serial: 'S0-NVME', module: 'nvme', dev: (d) => ['-drive', `file=${d},if=none,id=d4,format=raw`, '-device', 'nvme,drive=d4,serial=S0-NVME'] },
];
/** Only when the kernel package has ahci (the generic flavour does; the cloud flavour, the fallback offline, does not). */
const AHCI_DISK: Disk = { serial: 'S0-AHCI', module: 'ahci', dev: (d) => ['-device', 'ich9-ahci,id=ahci0', '-drive', `file=${d},if=none,id=d5,format=raw`, '-device', 'ide-hd,drive=d5,bus=ahci0.0,serial=S0-AHCI'] };

test('shell mode: virtio-blk, virtio-scsi, IDE, NVMe (and AHCI, when the kernel has it) disks appear; DHCP on virtio-net; a console shell answers', { timeout: 240_000 }, async (t) => {
  requireQemu('bios');
  const dir = mkdtempSync(join(tmpdir(), 's0-envboot-'));
  const env = await buildProvisionEnv({ outDir: join(E2E_LAB_ROOT, 'assets', 'stage0-env') });
  const cloud = /-cloud-amd64_/.test(env.kernelPackage);
  // A generic kernel without ahci would be a build bug, not a flavour: only the cloud flavour may lack it.
  if (!cloud) assert.deepEqual(env.absent, [], `${env.kernelPackage} should have every optional driver`);
  const disks = env.absent.includes('ahci') ? DISKS : [...DISKS, AHCI_DISK];
  t.diagnostic(`kernel ${env.kernelPackage}: ${env.modules.length} modules, built in: ${env.builtin.join(' ') || 'none'}, absent: ${env.absent.join(' ') || 'none'}`);
  const sock = join(dir, 'serial.sock');
  const args = ['-machine', 'pc,accel=tcg', '-m', '512', '-smp', '1', '-nodefaults', '-display', 'none', '-no-reboot',
    '-kernel', env.kernel, '-initrd', env.initrd, '-append', 'console=ttyS0,115200 panic=-1 stage0.mode=shell',
    '-chardev', `socket,id=s0,path=${sock},server=on,wait=on`, '-serial', 'chardev:s0',
    '-netdev', 'user,id=n0,restrict=on', '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:5e:00:01,romfile='];
  disks.forEach((d, i) => {
    const file = join(dir, `disk${i}.raw`);
    closeSync(openSync(file, 'w'));
    truncateSync(file, (i + 1) * 64 * 2 ** 20);
    args.push(...d.dev(file));
  });
  const qemu = spawn(QEMU, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  qemu.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  let out = '';
  let conn: Socket | undefined;
  const started = Date.now();
  try {
    for (let i = 0; i < 100 && !conn; i++) {
      await sleep(100);
      conn = await new Promise<Socket | undefined>((resolve) => {
        const c = createConnection(sock, () => resolve(c));
        c.on('error', () => resolve(undefined));
      });
    }
    assert.ok(conn, `cannot connect to the serial socket: ${stderr}`);
    conn.on('data', (b: Buffer) => { out += b.toString('latin1'); });
    const waitFor = async (re: RegExp, ms: number) => {
      const end = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`no ${re} on the console within ${ms / 1000} s; console:\n${out.slice(-3000)}`);
        if (qemu.exitCode !== null) throw new Error(`QEMU exited (${qemu.exitCode}): ${stderr}\n${out.slice(-3000)}`);
        await sleep(200);
      }
    };
    await waitFor(new RegExp(SHELL_READY_MARKER), 150_000);
    t.diagnostic(`direct kernel boot -> shell ready: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.match(out, /stage0-env: mode=shell/);
    assert.match(out, /stage0-env: network up eth0 ip=10\.0\.2\.15\/24/);
    // Each driver was loaded, or is compiled into this kernel (then it is there without loading).
    for (const m of ['virtio_net', 'sd_mod', ...disks.map((d) => d.module)]) {
      if (env.builtin.includes(m)) assert.ok(!env.modules.includes(m), `${m} is built in and also a module?`);
      else assert.match(out, new RegExp(`modules loaded:.* ${m}( |\\r?\\n)`), m);
    }
    conn.write('sh /usr/lib/stage0/discover.sh print > /tmp/f.json; echo DISKS-$(grep -o \'"serial":"S0-[A-Z-]*"\' /tmp/f.json | tr "\\n" " ")-END\n');
    await waitFor(/(^|\n)DISKS-.*-END/, 30_000); // the line the command prints, not the console's echo of the command
    const line = /DISKS-(.*)-END/.exec(out.split(/\r?\n/).filter((l) => l.startsWith('DISKS-')).at(-1) ?? '')?.[1] ?? '';
    for (const d of disks) assert.ok(line.includes(`"serial":"${d.serial}"`), `${d.serial} not found by the agent: ${line}`);
    conn.write('exit\n'); // leaving the shell reboots; -no-reboot ends QEMU
    const end = Date.now() + 20_000;
    while (qemu.exitCode === null && Date.now() < end) await sleep(200);
    assert.notEqual(qemu.exitCode, null, 'QEMU still running after the shell exited');
  } finally {
    conn?.destroy();
    if (qemu.exitCode === null) qemu.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
