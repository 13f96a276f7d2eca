import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bootProgramProblems } from './boot-programs-check.ts';

test('boot programs: served when regular files inside the directory; missing or symlinked out of it, named with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's0t-nbp-'));
  try {
    const ipxe = join(dir, 'ipxe');
    mkdirSync(ipxe);
    assert.deepEqual(await bootProgramProblems(ipxe), [
      `undionly.kpxe (for BIOS machines) in ${ipxe}: missing; install Debian's ipxe package or set boot.ipxeDir`,
      `snponly.efi (for UEFI machines) in ${ipxe}: missing; install Debian's ipxe package or set boot.ipxeDir`,
    ]);
    writeFileSync(join(ipxe, 'undionly.kpxe'), 'x');
    writeFileSync(join(dir, 'snponly.efi'), 'x');
    symlinkSync(join(dir, 'snponly.efi'), join(ipxe, 'snponly.efi'));
    assert.deepEqual(await bootProgramProblems(ipxe), [
      `snponly.efi (for UEFI machines) in ${ipxe}: a symlink leading out of the directory (refused by the path jail); install Debian's ipxe package or set boot.ipxeDir`,
    ]);
    rmSync(join(ipxe, 'snponly.efi'));
    writeFileSync(join(ipxe, 'snponly.efi'), 'x');
    assert.deepEqual(await bootProgramProblems(ipxe), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('boot programs: Debian\'s /usr/lib/ipxe serves both (the default boot.ipxeDir)', async () => {
  assert.deepEqual(await bootProgramProblems('/usr/lib/ipxe'), [], 'apt-get install ipxe');
});
