// Renders a BootPlan as an iPXE script. Asset URLs carry the MAC in their path so every fetch lands on the node's timeline.
import type { BootPlan } from './boot-plan.ts';

const base = (name: string) => name.split('/').pop() ?? name;

/** Reasons may quote an installer's words: one printable line, no `$` (iPXE expands ${…} in echo). */
const safeText = (s: string) => s.replace(/[^\x20-\x7e]+/g, ' ').replace(/\$/g, '');

export interface ScriptContext {
  httpBase: string;
  mac: string;
  node?: string;
}

const assetUrl = (ctx: ScriptContext, name: string) =>
  /^https?:\/\//.test(name) ? name : `${ctx.httpBase}/boot/m/${ctx.mac}/assets/${name.split('/').map(encodeURIComponent).join('/')}`;

export function renderIpxeScript(plan: BootPlan, ctx: ScriptContext): string {
  const who = `${ctx.node ?? 'unknown machine'} (${ctx.mac})`;
  const lines = ['#!ipxe', `# stage0: ${who}: ${plan.kind} — ${safeText(plan.reason)}`];
  switch (plan.kind) {
    case 'local':
      // `exit 1` hands control back to the firmware with a failure, so it tries the next boot option (the disk).
      // Not `exit 0`: EDK2's BDS (OVMF, most UEFI firmware) treats a boot option that returns EFI_SUCCESS as done and
      // stops at its boot manager menu (seen in QEMU: the VM sat there). SeaBIOS moves on after any return from the ROM.
      lines.push(`echo stage0: ${who} boots from local disk`, 'exit 1');
      break;
    case 'none':
      lines.push(`echo stage0: nothing to boot for ${who}: ${safeText(plan.reason)}`, 'echo retrying in 60 s', 'sleep 60', 'reboot');
      break;
    case 'kernel': {
      const { kernel, initrd, cmdline } = plan.spec;
      // UEFI kernels booted by iPXE find the initrd only through initrd=<name> on the command line; harmless on BIOS.
      const args = [initrd ? `initrd=${base(initrd)}` : '', cmdline].filter(Boolean).join(' ');
      lines.push(`echo stage0: ${who} boots ${kernel}`);
      lines.push(`kernel ${assetUrl(ctx, kernel)}${args ? ` ${args}` : ''} || goto failed`);
      if (initrd) lines.push(`initrd ${assetUrl(ctx, initrd)} || goto failed`);
      lines.push('boot || goto failed', ':failed', 'echo stage0: boot failed, retrying in 10 s', 'sleep 10', 'reboot');
      break;
    }
  }
  return `${lines.join('\n')}\n`;
}
