// Profiles (xCAT osimages): what an install or stateless boot loads, and the checks every write goes through.
import { invalid } from '../errors.ts';

export interface Profile {
  name: string;
  /** Asset name under boot.assetsDir, or an absolute http(s) URL. */
  kernel: string;
  initrd: string | null;
  /** Kernel command line, a template: {{ server }}, {{ token }}, {{ node.name }}, {{ node['install.disk'] }}… */
  cmdline: string;
  /** Installer template name (e.g. kickstart/rhel9.ks) served at /api/v1/install/<token>/template. */
  template: string | null;
  /** Name in the image catalog the install agent writes to disk. */
  image: string | null;
  /** Seconds from the install boot to install-done before the node is marked failed ("timeout"); null = default. */
  installTimeout: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type NewProfile = Pick<Profile, 'name' | 'kernel'> & Partial<Pick<Profile, 'initrd' | 'cmdline' | 'template' | 'image' | 'installTimeout'>>;
export type ProfilePatch = Partial<Pick<Profile, 'kernel' | 'initrd' | 'cmdline' | 'template' | 'image' | 'installTimeout'>>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ASSET = /^(https?:\/\/\S+|[A-Za-z0-9._+-][A-Za-z0-9._+/-]{0,511})$/;
const TEMPLATE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function validateProfileName(name: string): string {
  if (!NAME.test(name)) throw invalid(`profile name '${name}' must be 1-63 of A-Z a-z 0-9 . _ - (not starting with . _ -)`, 'name');
  return name;
}

/** Checks the fields of a new profile or a patch; returns it unchanged when valid. */
export function validateProfileFields<T extends ProfilePatch>(p: T): T {
  if (p.kernel !== undefined && (!ASSET.test(p.kernel) || p.kernel.includes('..'))) throw invalid(`kernel '${p.kernel}' must be an asset path or an http(s) URL`, 'kernel');
  if (p.initrd != null && (!ASSET.test(p.initrd) || p.initrd.includes('..'))) throw invalid(`initrd '${p.initrd}' must be an asset path or an http(s) URL`, 'initrd');
  if (p.cmdline !== undefined && (p.cmdline.length > 4096 || /[\r\n]/.test(p.cmdline))) throw invalid('cmdline must be one line of at most 4096 characters', 'cmdline');
  if (p.template != null && (!TEMPLATE.test(p.template) || p.template.split('/').some((s) => s === '..' || s === '.'))) throw invalid(`template '${p.template}' must be a relative name like kickstart/rhel9.ks`, 'template');
  if (p.image != null && !NAME.test(p.image)) throw invalid(`image '${p.image}' is not a valid image name`, 'image');
  if (p.installTimeout != null && (!Number.isInteger(p.installTimeout) || p.installTimeout < 1 || p.installTimeout > 7 * 86400)) throw invalid('installTimeout must be whole seconds from 1 to 604800', 'installTimeout');
  return p;
}
