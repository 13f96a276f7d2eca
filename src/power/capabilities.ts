// Power capabilities (bmclib model): one tiny interface per thing a BMC driver can do; drivers declare features.

/** What a BMC says about chassis power. 'unknown' when it answered but not clearly. */
export type PowerState = 'on' | 'off' | 'unknown';

/** Power changes: soft = ACPI shutdown request, cycle = off then on, reset = hard reset (warm). */
export type PowerOp = 'on' | 'off' | 'soft' | 'cycle' | 'reset';

/** Next boot device request. `persistent: false` = next boot only. */
export interface BootDevice {
  device: 'network' | 'disk';
  persistent: boolean;
  firmware: 'bios' | 'uefi';
}

/** FRU / asset facts. Empty strings when the BMC does not report a field. */
export interface Inventory {
  vendor: string;
  model: string;
  serial: string;
}

/** How to reach one BMC. The password is plain here: callers open the SecretBox just before the call. */
export interface BmcTarget {
  address: string;
  /** Default: 623 (IPMI) or 443 (Redfish). */
  port?: number;
  username: string;
  password: string;
  /** Redfish only: skip TLS certificate verification (per-node opt-out, default off). */
  insecure?: boolean;
}

/** Every driver call gets a signal; drivers must release sockets and reject promptly when it aborts. */
export interface CallOptions {
  signal: AbortSignal;
}

export interface PowerStateGetter {
  powerState(target: BmcTarget, opts: CallOptions): Promise<PowerState>;
}
export interface PowerSetter {
  /** Resolves once the BMC accepted the request (not when the host finished changing state). */
  setPower(target: BmcTarget, op: PowerOp, opts: CallOptions): Promise<void>;
}
export interface BootDeviceSetter {
  setBootDevice(target: BmcTarget, boot: BootDevice, opts: CallOptions): Promise<void>;
}
export interface InventoryGetter {
  inventory(target: BmcTarget, opts: CallOptions): Promise<Inventory>;
}

/** Feature names a driver declares; the orchestrator only asks drivers that declare what an action needs. */
export type Feature = 'power-state' | 'power-set' | 'boot-device' | 'inventory';

/** A driver: a name, its declared features, and the capability methods matching them. */
export type PowerDriver = { readonly name: string; readonly features: readonly Feature[] } & Partial<
  PowerStateGetter & PowerSetter & BootDeviceSetter & InventoryGetter
>;
