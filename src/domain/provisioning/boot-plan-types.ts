// What a machine boots next, as the boot paths (iPXE script, pxelinux/GRUB configs) render it.

export interface KernelSpec {
  kernel: string;
  initrd?: string;
  cmdline: string;
}

export type BootPlan =
  | { kind: 'kernel'; spec: KernelSpec; reason: string }
  /** Boot from the local disk: the script exits so firmware moves on — never an install loop. */
  | { kind: 'local'; reason: string }
  /** Nothing to boot (or held, e.g. after a failed install): say why on the console and retry later instead of looping fast. */
  | { kind: 'none'; reason: string };

export type BootVia = 'ipxe' | 'pxelinux' | 'grub';

/** The one boot decision for a MAC, whatever loader asks; may record state changes (one-shot, expiry, token). */
export interface BootDecider {
  decide(mac: string, via: BootVia): Promise<{ node?: string; plan: BootPlan }>;
}
