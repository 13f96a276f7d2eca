// Power actions: what the orchestrator can ask of a node, which feature each needs, and how a driver runs it.
import type { BootDevice, CallOptions, BmcTarget, Feature, Inventory, PowerDriver, PowerOp, PowerState } from './capabilities.ts';
import { PowerError } from './power-error.ts';

/**
 * netboot (rinstall): next boot from the network once, then power cycle (an off host is powered on), in one attempt
 * so a driver that fails half-way is retried whole by the next driver.
 */
export type PowerAction = { op: 'status' } | { op: PowerOp } | { op: 'bootdev'; boot: BootDevice } | { op: 'inventory' } | { op: 'netboot'; firmware: BootDevice['firmware'] };

/** status -> power state; on/off/soft/cycle/reset -> 'ok'; bootdev -> the device set; inventory -> FRU facts. */
export type PowerActionResult = PowerState | 'ok' | BootDevice | Inventory;

const POWER_OPS: readonly string[] = ['on', 'off', 'soft', 'cycle', 'reset'];

export function featureOf(action: PowerAction): Feature {
  switch (action.op) {
    case 'status':
      return 'power-state';
    case 'bootdev':
    case 'netboot':
      return 'boot-device';
    case 'inventory':
      return 'inventory';
    default:
      return 'power-set';
  }
}

/** Calls the driver method for the action; a driver declaring a feature without its method is a programming error. */
export async function invokeDriver(driver: PowerDriver, target: BmcTarget, action: PowerAction, opts: CallOptions): Promise<PowerActionResult> {
  const missing = () => new PowerError('unsupported', `driver ${driver.name} has no method for ${action.op}`);
  switch (action.op) {
    case 'status':
      if (!driver.powerState) throw missing();
      return driver.powerState(target, opts);
    case 'bootdev':
      if (!driver.setBootDevice) throw missing();
      await driver.setBootDevice(target, action.boot, opts);
      return action.boot;
    case 'netboot':
      if (!driver.setBootDevice || !driver.setPower || !driver.features.includes('power-set')) throw missing();
      await driver.setBootDevice(target, { device: 'network', persistent: false, firmware: action.firmware }, opts);
      await driver.setPower(target, 'cycle', opts);
      return 'ok';
    case 'inventory':
      if (!driver.inventory) throw missing();
      return driver.inventory(target, opts);
    default:
      if (!driver.setPower) throw missing();
      await driver.setPower(target, action.op, opts);
      return 'ok';
  }
}

/**
 * Parses the CLI spelling: "status", "on", "off", "soft", "cycle", "reset", "inventory",
 * "bootdev network|disk [persistent] [uefi|bios]" (words may also be comma-separated). Defaults: once, uefi.
 */
export function parsePowerAction(text: string): PowerAction {
  const [op, ...rest] = text.trim().toLowerCase().split(/[\s,]+/);
  if (op === 'status' || op === 'stat' || op === 'state') return { op: 'status' };
  if (op === 'inventory' || op === 'fru') return { op: 'inventory' };
  if (op && POWER_OPS.includes(op)) return { op: op as PowerOp };
  if (op === 'bootdev') {
    const device = rest[0] === 'network' || rest[0] === 'pxe' || rest[0] === 'net' ? 'network' : rest[0] === 'disk' || rest[0] === 'hd' ? 'disk' : null;
    if (!device) throw new PowerError('invalid', `bootdev needs network or disk, got "${rest[0] ?? ''}"`);
    for (const w of rest.slice(1)) {
      if (!['persistent', 'once', 'uefi', 'efi', 'bios', 'legacy'].includes(w)) throw new PowerError('invalid', `unknown bootdev option "${w}"`);
    }
    const bios = rest.includes('bios') || rest.includes('legacy');
    return { op: 'bootdev', boot: { device, persistent: rest.includes('persistent'), firmware: bios ? 'bios' : 'uefi' } };
  }
  throw new PowerError('invalid', `unknown power action "${text}" (status, on, off, soft, cycle, reset, bootdev, inventory)`);
}
