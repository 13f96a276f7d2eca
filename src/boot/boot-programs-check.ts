// At start, with DHCP on: can TFTP and HTTP actually serve the boot programs DHCP is about to hand out? A missing
// package or a symlink leading out of boot.ipxeDir (Debian's ipxe.efi is one) would otherwise show only as machines
// that never boot, with a refusal in the event log.
import path from 'node:path';
import { BOOT_PROGRAMS } from './dhcp/boot-file-chooser.ts';
import { resolveInJail } from './http/file-jail.ts';

const WHY = { 'not-found': 'missing', 'not-a-file': 'not a regular file', traversal: 'a symlink leading out of the directory (refused by the path jail)' } as const;

/** One line per boot program that cannot be served from `ipxeDir`; empty when all can. */
export async function bootProgramProblems(ipxeDir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [firmware, file] of Object.entries(BOOT_PROGRAMS)) {
    const r = await resolveInJail(path.resolve(ipxeDir), file);
    if (!r.ok) problems.push(`${file} (for ${firmware === 'bios' ? 'BIOS' : 'UEFI'} machines) in ${ipxeDir}: ${WHY[r.reason]}; install Debian's ipxe package or set boot.ipxeDir`);
  }
  return problems;
}
