// The installer templates stage0 ships under templates/ (repository root), with the installer each one feeds.

export interface ShippedTemplate {
  /** Path under templates/. */
  path: string;
  installer: 'kickstart' | 'esxi' | 'preseed' | 'autoinstall' | 'cloud-init';
  /** Which fixture image the golden tests render it with (the OS family it is written for). */
  family: 'rhel' | 'esxi' | 'debian' | 'ubuntu' | 'cloud';
  description: string;
}

export const SHIPPED_TEMPLATES: readonly ShippedTemplate[] = Object.freeze([
  { path: 'kickstart/rhel9.ks', installer: 'kickstart', family: 'rhel', description: 'RHEL 9 family (RHEL, Rocky, Alma) kickstart' },
  { path: 'esxi/ks.cfg', installer: 'esxi', family: 'esxi', description: 'VMware ESXi 7/8 scripted install' },
  { path: 'debian/preseed.cfg', installer: 'preseed', family: 'debian', description: 'Debian 12 installer preseed' },
  { path: 'ubuntu/autoinstall.yaml', installer: 'autoinstall', family: 'ubuntu', description: 'Ubuntu Server autoinstall (subiquity)' },
  { path: 'cloud-init/user-data', installer: 'cloud-init', family: 'cloud', description: 'cloud-init NoCloud user-data' },
  { path: 'cloud-init/meta-data', installer: 'cloud-init', family: 'cloud', description: 'cloud-init NoCloud meta-data' },
] as const);
