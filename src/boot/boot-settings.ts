// The boot settings every boot path shares (iPXE scripts, TFTP-generated configs), derived from config in one place.
import type { Config } from '../config/config-schema.ts';
import type { KernelSpec } from './http/boot-plan.ts';

export interface BootSettings {
  /** URL machines use to reach stage0's HTTP boot endpoints. */
  httpBase: string;
  /** What unknown machines and nodes without boot.kernel boot (the discovery entry). */
  fallback: KernelSpec | undefined;
}

export function bootSettings(config: Readonly<Config>): BootSettings {
  const d = config.boot.default;
  // Without boot.httpBase (only allowed while DHCP is off) the best guess is the address TFTP listens on, else the API's.
  const host = config.tftp.listen !== '0.0.0.0' ? config.tftp.listen : config.api.listen;
  return {
    httpBase: config.boot.httpBase ?? `http://${host}:${config.api.port}`,
    fallback: d && { kernel: d.kernel, ...(d.initrd && { initrd: d.initrd }), cmdline: d.cmdline },
  };
}
