// The next-boot decision for one machine, from its effective attributes: the single source for iPXE scripts and TFTP configs.
import type { AttrValue } from '../../domain/inventory/types.ts';

export interface KernelSpec {
  kernel: string;
  initrd?: string;
  cmdline: string;
}

export type BootPlan =
  | { kind: 'kernel'; spec: KernelSpec; reason: string }
  /** Boot from the local disk: the script exits so firmware moves on — never an install loop. */
  | { kind: 'local'; reason: string }
  /** Nothing to boot: say why on the console and retry later instead of looping fast. */
  | { kind: 'none'; reason: string };

const str = (v: AttrValue | undefined) => (v === undefined ? undefined : String(v));

/**
 * Attributes read (inherited site ← groups ← node like any other):
 * `nextboot` (network | local, default network), `boot.kernel`, `boot.initrd`, `boot.cmdline`.
 * Unknown machines and nodes without a kernel get the configured default (the discovery entry).
 */
export function planBoot(effective: Readonly<Record<string, AttrValue>> | undefined, fallback: KernelSpec | undefined): BootPlan {
  if (effective && str(effective.nextboot) === 'local') return { kind: 'local', reason: 'nextboot=local' };
  const kernel = str(effective?.['boot.kernel']);
  if (kernel) {
    const initrd = str(effective?.['boot.initrd']);
    return { kind: 'kernel', spec: { kernel, ...(initrd && { initrd }), cmdline: str(effective?.['boot.cmdline']) ?? '' }, reason: 'node boot.kernel' };
  }
  if (fallback) return { kind: 'kernel', spec: fallback, reason: effective ? 'default (node has no boot.kernel)' : 'default (unknown machine)' };
  return { kind: 'none', reason: 'no boot.kernel for this node and no boot.default configured' };
}
