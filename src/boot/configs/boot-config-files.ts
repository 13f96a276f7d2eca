// Per-node boot loader configs served over TFTP (pxelinux, GRUB), rendered from the same BootPlan as the iPXE script.
import type { BootPlan } from '../http/boot-plan.ts';

/** Where the loaders look, by MAC: pxelinux.cfg/01-aa-bb-…, grub.cfg-01-aa-bb-… (GRUB's net_default_mac order). */
export function macFromConfigPath(path: string): { loader: 'pxelinux' | 'grub'; mac: string } | undefined {
  const m = /^(?:\/)?(pxelinux\.cfg\/|(?:grub\/)?grub\.cfg-)01-((?:[0-9a-f]{2}-){5}[0-9a-f]{2})$/i.exec(path);
  if (!m) return undefined;
  return { loader: m[1]!.startsWith('pxelinux') ? 'pxelinux' : 'grub', mac: m[2]!.toLowerCase().replace(/-/g, ':') };
}

/** Reasons may quote an installer's words: never let one break out of its comment line. */
const oneLine = (s: string) => s.replace(/[\x00-\x1f\x7f]+/g, ' ');

const assetUrl = (httpBase: string, mac: string, name: string) => (/^https?:\/\//.test(name) ? name : `${httpBase}/boot/m/${mac}/assets/${name}`);

export function renderPxelinuxConfig(plan: BootPlan, httpBase: string, mac: string): string {
  const head = ['# stage0: generated for ' + mac + ': ' + oneLine(plan.reason), 'SERIAL 0 115200', 'DEFAULT stage0', 'PROMPT 0', 'TIMEOUT 10'];
  if (plan.kind === 'kernel') {
    const { kernel, initrd, cmdline } = plan.spec;
    return [...head, 'LABEL stage0', `  KERNEL ${assetUrl(httpBase, mac, kernel)}`, ...(initrd ? [`  INITRD ${assetUrl(httpBase, mac, initrd)}`] : []), `  APPEND ${cmdline}`, ''].join('\n');
  }
  // LOCALBOOT 0 boots the first disk: a node whose install is done never comes back to the installer.
  return [...head, 'LABEL stage0', plan.kind === 'local' ? '  LOCALBOOT 0' : '  LOCALBOOT -1', ''].join('\n');
}

export function renderGrubConfig(plan: BootPlan, httpBase: string, mac: string): string {
  const head = [`# stage0: generated for ${mac}: ${oneLine(plan.reason)}`, 'set timeout=1'];
  if (plan.kind === 'kernel') {
    const { kernel, initrd, cmdline } = plan.spec;
    const url = (n: string) => assetUrl(httpBase, mac, n).replace(/^http:\/\/([^/]+)/, '(http,$1)');
    return [...head, "menuentry 'stage0' {", `  linux ${url(kernel)} ${cmdline}`.trimEnd(), ...(initrd ? [`  initrd ${url(initrd)}`] : []), '}', ''].join('\n');
  }
  return [...head, "menuentry 'local disk' {", '  exit', '}', ''].join('\n');
}
