// The attribute path of the boot decision (boot.kernel, nextboot), and the decider used when provisioning is not wired.
import type { AttrValue } from '../../domain/inventory/types.ts';
import type { BootDecider, BootPlan, KernelSpec } from '../../domain/provisioning/boot-plan-types.ts';

export type { BootDecider, BootPlan, BootVia, KernelSpec } from '../../domain/provisioning/boot-plan-types.ts';

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

/** Looks a MAC up and plans from attributes only: what the boot paths do when no provisioning decider is wired. */
export function attributeDecider(nodes: { byMac(mac: string): Promise<{ name: string; effective: Readonly<Record<string, AttrValue>> } | undefined> }, fallback: KernelSpec | undefined): BootDecider {
  return {
    async decide(mac) {
      const node = await nodes.byMac(mac);
      return { ...(node && { node: node.name }), plan: planBoot(node?.effective, fallback) };
    },
  };
}
