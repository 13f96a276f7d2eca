// Renders the stage0 configuration (YAML) that `lab up` hands to `stage0 serve` inside the lab namespace.
import { stringify } from 'yaml';
import { subnetPrefix } from './netns.ts';

export interface LabStage0ConfigInput {
  dir: string;
  subnet: number;
  assetsDir: string;
  dhcpMode: 'authoritative' | 'proxy';
  ipv6RouterAdvertisements: boolean;
  port?: number;
}

/** The iPXE binaries stage0 serves over TFTP (Debian package ipxe). */
export const IPXE_DIR = '/usr/lib/ipxe';

/** The config object; the kernel command line names the initrd (UEFI kernels need `initrd=`) and the callback. */
export function labStage0Config(i: LabStage0ConfigInput): Record<string, unknown> {
  const net = subnetPrefix(i.subnet);
  const port = i.port ?? 8080;
  const base = `http://${net}.1:${port}`;
  return {
    dataDir: `${i.dir}/data`,
    // The lab namespace is isolated and compares plain-HTTP boot servers: the API stays plain there (docs/tls.md).
    api: { listen: '0.0.0.0', port, tls: { mode: 'off', insecure: true } },
    boot: {
      httpBase: base,
      assetsDir: i.assetsDir,
      ipxeDir: IPXE_DIR,
      default: { kernel: 'vmlinuz', initrd: 'initrd.gz', cmdline: `console=ttyS0 panic=-1 stage0.callback=${base}/boot/callback` },
    },
    tftp: { enabled: true, listen: `${net}.1`, port: 69 },
    dhcp: {
      mode: i.dhcpMode,
      interfaces: ['br0'],
      // proxy: addresses come from another server, so stage0 gets no pool to hand out even by mistake
      subnets: [{ cidr: `${net}.0/24`, pool: i.dhcpMode === 'proxy' ? [] : [{ start: `${net}.100`, end: `${net}.199` }] }],
    },
    ipv6RouterAdvertisements: i.ipv6RouterAdvertisements,
    // Lab VMs have no disk: a registered node without a boot state boots the default kernel, not "its disk".
    provisioning: { knownNodeDefault: 'fallback' },
  };
}

export const renderLabStage0Config = (i: LabStage0ConfigInput): string => stringify(labStage0Config(i));
