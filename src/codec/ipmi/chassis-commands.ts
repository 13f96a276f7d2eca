// Chassis netFn (00h) commands: Get Chassis Status, Chassis Control, System Boot Options (IPMI v2.0 §28).

export const NETFN_CHASSIS = 0x00;
export const ChassisCmd = {
  getStatus: 0x01, // §28.2
  control: 0x02, // §28.3
  setBootOptions: 0x08, // §28.12
  getBootOptions: 0x09, // §28.13
} as const;

/** §28.3 Table 28-4 chassis control values. */
export const ChassisControl = {
  powerDown: 0x00,
  powerUp: 0x01,
  powerCycle: 0x02,
  hardReset: 0x03,
  pulseDiagnosticInterrupt: 0x04,
  softShutdown: 0x05, // "initiate a soft-shutdown of OS via ACPI by emulating a fatal overtemperature"
} as const;

/** §28.2 Table 28-3, byte 1 (after completion code) bit 0: system power is on. */
export function decodeChassisPowerOn(d: Buffer): boolean | string {
  if (d.length < 3) return `Get Chassis Status response of ${d.length} bytes`;
  return (d[0]! & 0x01) !== 0;
}

export interface BootFlags {
  device: 'pxe' | 'disk' | 'none' | 'cdrom' | 'bios' | 'other';
  persistent: boolean;
  efi: boolean;
}

/** §28.13 Table 28-14 boot flags (parameter 5), data 2 bits 5:2 boot device selector. */
const DEVICE_CODE: Record<string, number> = { none: 0x0, pxe: 0x1, disk: 0x2, cdrom: 0x5, bios: 0x6 };

/** Set System Boot Options, parameter 5 (boot flags): data 1 = valid | persistent | EFI, data 2 = device selector. */
export function setBootFlagsRequest(f: BootFlags): Buffer {
  const code = DEVICE_CODE[f.device];
  if (code === undefined) throw new RangeError(`boot device ${f.device}`);
  const flags = 0x80 | (f.persistent ? 0x40 : 0) | (f.efi ? 0x20 : 0);
  return Buffer.from([0x05, flags, code << 2, 0x00, 0x00, 0x00]);
}

/** Get System Boot Options request: parameter 5, set selector 0, block selector 0. */
export const getBootFlagsRequest = (): Buffer => Buffer.from([0x05, 0x00, 0x00]);

/** Get System Boot Options response: parameter version, parameter selector, then the 5 boot flag bytes. */
export function decodeBootFlags(d: Buffer): BootFlags | string {
  if (d.length < 4 || (d[1]! & 0x7f) !== 0x05) return 'not a boot flags (parameter 5) response';
  const code = (d[3]! >> 2) & 0x0f;
  const device = (Object.entries(DEVICE_CODE).find(([, v]) => v === code)?.[0] ?? 'other') as BootFlags['device'];
  return { device, persistent: (d[2]! & 0x40) !== 0, efi: (d[2]! & 0x20) !== 0 };
}
