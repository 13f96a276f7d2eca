// The boot settings every boot path shares (iPXE scripts, TFTP-generated configs), derived from config in one place.
import type { Config } from '../config/config-schema.ts';
import type { KernelSpec } from './http/boot-plan.ts';
import { bootHttpPort } from './http/boot-listener-address.ts';

/** Where `stage0 image build-env` puts the provisioning environment by default: a folder inside boot.assetsDir. */
export const PROVISION_ENV_ASSET_DIR = 'stage0-env';

/** The modes the provisioning environment's /init understands (stage0.mode=). */
export type ProvisionEnvMode = 'discover' | 'install' | 'shell' | 'rescue';

/** The provisioning environment as boot assets: names under boot.assetsDir and the base kernel command line. */
export interface ProvisionEnvBoot {
  /** 'stage0-env/vmlinuz' */
  kernel: string;
  /** 'stage0-env/initrd.gz' */
  initrd: string;
  /** Console and `stage0.server=<httpBase>`; provisionEnvSpec adds stage0.mode= and stage0.token=. */
  cmdline: string;
}

export interface BootSettings {
  /** URL machines use to reach stage0's HTTP boot endpoints. */
  httpBase: string;
  /** What unknown machines and nodes without boot.kernel boot: config boot.default, else the environment in discover mode. */
  fallback: KernelSpec | undefined;
  /** The provisioning environment, when boot.assetsDir is configured (it is served from there). */
  provisionEnv?: ProvisionEnvBoot | undefined;
}

const TOKEN = /^[A-Za-z0-9._~-]{1,256}$/;

/** The kernel to boot the provisioning environment in one mode; the token (install callbacks) must be URL-safe. */
export function provisionEnvSpec(env: ProvisionEnvBoot, mode: ProvisionEnvMode, token?: string): KernelSpec {
  if (token !== undefined && !TOKEN.test(token)) throw new Error('provisioning token must be 1-256 URL-safe characters');
  const args = [env.cmdline, `stage0.mode=${mode}`, ...(token ? [`stage0.token=${token}`] : [])];
  return { kernel: env.kernel, initrd: env.initrd, cmdline: args.join(' ') };
}

export function bootSettings(config: Readonly<Config>): BootSettings {
  const d = config.boot.default;
  // Without boot.httpBase (only allowed while DHCP is off) the best guess is the address TFTP listens on, else the API's.
  const host = config.tftp.listen !== '0.0.0.0' ? config.tftp.listen : config.api.listen;
  // The port is the plain boot listener's when it runs (API on TLS, docs/tls.md): firmware cannot do our TLS.
  const httpBase = config.boot.httpBase ?? `http://${host}:${bootHttpPort(config)}`;
  // The last console= becomes /dev/console: the serial port, which BMC SOL and the tests read.
  const provisionEnv: ProvisionEnvBoot | undefined = config.boot.assetsDir
    ? { kernel: `${PROVISION_ENV_ASSET_DIR}/vmlinuz`, initrd: `${PROVISION_ENV_ASSET_DIR}/initrd.gz`, cmdline: `console=tty0 console=ttyS0,115200 panic=30 stage0.server=${httpBase}` }
    : undefined;
  return {
    httpBase,
    fallback: d ? { kernel: d.kernel, ...(d.initrd && { initrd: d.initrd }), cmdline: d.cmdline } : provisionEnv && provisionEnvSpec(provisionEnv, 'discover'),
    provisionEnv,
  };
}
