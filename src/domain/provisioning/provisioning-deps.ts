// What the provisioning services need from the rest of stage0: inventory reads, settings, a clock; owned here, wired by main.
import type { Site } from '../inventory/types.ts';
import type { NodeView } from '../services/node-view.ts';
import type { KernelSpec } from './boot-plan-types.ts';
import type { ImageCatalog } from './image-catalog.ts';
import type { ProvisioningStore } from './provisioning-store.ts';
import type { TemplateSource } from './template-source.ts';

/** The inventory reads provisioning does (InventoryService has them). */
export interface ProvisioningInventory {
  resolve(range: string): Promise<string[]>;
  getNode(name: string, view: { effective: true }): Promise<NodeView>;
  /** One snapshot for a whole range (getNode per node would check the inventory generation once per node). */
  listNodes(q: { range: string; effective: true; limit: number }): Promise<{ items: NodeView[] }>;
  nodeByMac(mac: string): Promise<NodeView | undefined>;
  getSite(): Promise<Site>;
}

export interface ProvisioningSettings {
  /** stage0's HTTP base as machines reach it: stage0.server= and install URLs. */
  httpBase: string;
  /** The provisioning environment (shell, rescue, discover); absent → those states hold with a reason. */
  envKernel?: KernelSpec | undefined;
  /** boot.default: what unknown machines boot (and known ones when knownNodeDefault is 'fallback'). */
  fallback?: KernelSpec | undefined;
  /** Known node without a boot state nor boot.kernel/nextboot: its disk ('boot') or the default kernel ('fallback'). */
  knownNodeDefault: 'boot' | 'fallback';
  /** Install token lifetime (default 3 h); the profile's installTimeout, then attribute install.tokenttl (s) override it. */
  tokenTtlMs: number;
  /** The up-token the installed system calls once (24 h). */
  upTokenTtlMs: number;
  /** Install boot → done before "timeout"; the profile's installTimeout, then attribute install.timeout (s) override it. */
  installTimeoutMs: number;
}

export const DEFAULT_SETTINGS = { knownNodeDefault: 'boot', tokenTtlMs: 3 * 3600_000, upTokenTtlMs: 24 * 3600_000, installTimeoutMs: 3 * 3600_000 } as const;

export interface ProvisioningDeps {
  store: ProvisioningStore;
  inventory: ProvisioningInventory;
  settings: ProvisioningSettings;
  templates: TemplateSource;
  images?: ImageCatalog | undefined;
  now?: () => number;
}
