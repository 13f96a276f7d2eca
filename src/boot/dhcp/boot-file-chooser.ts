// BootFileChooser: which network boot program a client gets; the boot handler asks it, the lab default is here.
import type { DhcpBootConfig } from './dhcp-config.ts';

export interface BootRequest {
  mac: string;
  /** RFC 4578 §2.1 option 93, first entry: 0 BIOS, 7/9 x64 UEFI, 16 x64 UEFI HTTP. */
  arch: number | undefined;
  /** Option 77, first class ("iPXE" for iPXE). */
  userClass: string | undefined;
  /** Option 60, e.g. "PXEClient:Arch:00007:UNDI:003016". */
  vendorClass: string | undefined;
  isIpxe: boolean;
  /** Inventory node, when the MAC is known. */
  node: string | undefined;
}

export type BootAnswer = { kind: 'tftp'; filename: string; nextServer: string } | { kind: 'http'; url: string };

export interface BootFileChooser {
  /** undefined: give this client no boot information. */
  choose(req: BootRequest): Promise<BootAnswer | undefined>;
}

/** The network boot programs the default chooser hands out, served from boot.ipxeDir (TFTP and /boot/ipxe/). */
export const BOOT_PROGRAMS = { bios: 'undionly.kpxe', uefi: 'snponly.efi' } as const;

/** RFC 4578 §2.1 / IANA processor architecture types used below. */
export const ARCH = { BIOS: 0, EFI_X64: 7, EFI_BC: 9, EFI_X64_HTTP: 16 } as const;

/**
 * The lab's decision (see /work/shared/lab/FIRMWARE-NOTES.md):
 * iPXE (user class) -> the per-MAC boot script over HTTP; UEFI HTTP boot (arch 16) -> snponly.efi over HTTP;
 * UEFI PXE (arch 7/9) -> snponly.efi over TFTP; BIOS PXE (arch 0) -> undionly.kpxe over TFTP.
 * snponly.efi, not ipxe.efi, for HTTP boot too: it drives the NIC through the firmware's own network protocol (as
 * the firmware just did), and Debian ships ipxe.efi as a symlink to /boot/ipxe.efi, outside the iPXE directory,
 * which the path jail rightly refuses (a 403 that left OVMF in its shell: test/e2e/boot-uefi-http.test.ts).
 */
export class DefaultBootFileChooser implements BootFileChooser {
  readonly #boot: DhcpBootConfig;

  constructor(boot: DhcpBootConfig) {
    this.#boot = boot;
  }

  async choose(req: BootRequest): Promise<BootAnswer | undefined> {
    const { httpBase, tftpServer } = this.#boot;
    if (req.isIpxe) return { kind: 'http', url: `${httpBase}/boot.ipxe?mac=${req.mac}` };
    switch (req.arch) {
      case ARCH.EFI_X64_HTTP:
        return { kind: 'http', url: `${httpBase}/boot/ipxe/${BOOT_PROGRAMS.uefi}` };
      case ARCH.EFI_X64:
      case ARCH.EFI_BC:
        return { kind: 'tftp', filename: BOOT_PROGRAMS.uefi, nextServer: tftpServer };
      case undefined: // PXE 2.1 clients send option 93; an old ROM without it is BIOS
        if (!req.vendorClass?.startsWith('PXEClient')) return undefined;
      // falls through
      case ARCH.BIOS:
        return { kind: 'tftp', filename: BOOT_PROGRAMS.bios, nextServer: tftpServer };
      default:
        return undefined;
    }
  }
}
