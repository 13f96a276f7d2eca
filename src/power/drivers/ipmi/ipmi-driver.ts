// IPMI v2.0 lanplus power driver (native RMCP+, cipher suite 3 or 17): power state and control, boot device, FRU inventory.
import { Cmd, decodeDeviceId, NETFN_APP } from '../../../codec/ipmi/app-commands.ts';
import { ChassisCmd, ChassisControl, decodeBootFlags, decodeChassisPowerOn, getBootFlagsRequest, NETFN_CHASSIS, setBootFlagsRequest, type BootFlags } from '../../../codec/ipmi/chassis-commands.ts';
import { FruCmd, fruAreaInfoRequest, fruReadRequest, NETFN_STORAGE, parseFru } from '../../../codec/ipmi/fru-inventory.ts';
import type { BmcTarget, BootDevice, CallOptions, Inventory, PowerDriver, PowerOp, PowerState } from '../../capabilities.ts';
import { PowerError } from '../../power-error.ts';
import { IpmiSession, type CipherSuite } from './ipmi-session.ts';

export interface IpmiDriverOptions {
  /** Wait before retransmitting a request (default 1000 ms; keep above the BMC's slowest command). */
  retryMs?: number;
  /** Retransmissions per request (default 3). */
  retries?: number;
  /** RMCP+ cipher suite: 3 (default, SHA1) or 17 (SHA256). */
  cipherSuite?: CipherSuite;
}

const CONTROL: Record<Exclude<PowerOp, 'cycle'>, number> = {
  on: ChassisControl.powerUp,
  off: ChassisControl.powerDown,
  soft: ChassisControl.softShutdown,
  reset: ChassisControl.hardReset,
};

/** Runs `fn` inside one session, always closing it (Close Session, then the socket). */
async function withSession<T>(target: BmcTarget, o: IpmiDriverOptions & CallOptions, fn: (s: IpmiSession) => Promise<T>): Promise<T> {
  const s = await IpmiSession.open(target, o);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export async function readPowerOn(s: IpmiSession): Promise<boolean | string> {
  return decodeChassisPowerOn(await s.command(NETFN_CHASSIS, ChassisCmd.getStatus, undefined, 'Get Chassis Status'));
}

/** Reads back boot flags (Get System Boot Options parameter 5). */
export async function readBootFlags(s: IpmiSession): Promise<BootFlags> {
  const r = decodeBootFlags(await s.command(NETFN_CHASSIS, ChassisCmd.getBootOptions, getBootFlagsRequest(), 'Get System Boot Options'));
  if (typeof r === 'string') throw new PowerError('protocol', r);
  return r;
}

/** Reads FRU device `fruId` whole, in small chunks (ipmi_sim and many BMCs cap a read near 32 bytes). */
export async function readFruImage(s: IpmiSession, fruId = 0): Promise<Buffer> {
  const info = await s.command(NETFN_STORAGE, FruCmd.getAreaInfo, fruAreaInfoRequest(fruId), 'Get FRU Inventory Area Info');
  if (info.length < 3) throw new PowerError('protocol', 'short FRU area info');
  const size = info.readUInt16LE(0);
  const wordAccess = (info[2]! & 1) === 1;
  const chunks: Buffer[] = [];
  let chunk = 32;
  for (let off = 0; off < size; ) {
    const want = Math.min(chunk, size - off);
    const r = await s.commandRaw(NETFN_STORAGE, FruCmd.readData, fruReadRequest(fruId, wordAccess ? off >> 1 : off, wordAccess ? Math.ceil(want / 2) : want), 'Read FRU Data');
    if ((r.completionCode === 0xc8 || r.completionCode === 0xca || r.completionCode === 0xc7) && chunk > 8) {
      chunk >>= 1; // too much at once: halve and retry
      continue;
    }
    if (r.completionCode !== 0) throw new PowerError('bmc-error', `Read FRU Data at ${off}: completion code 0x${r.completionCode.toString(16)}`);
    const got = r.data.subarray(1, 1 + (wordAccess ? r.data[0]! * 2 : r.data[0]!));
    if (got.length === 0) break;
    chunks.push(got);
    off += got.length;
  }
  return Buffer.concat(chunks);
}

export function createIpmiDriver(options: IpmiDriverOptions = {}): PowerDriver {
  const opt = (o: CallOptions) => ({ ...options, ...o });
  return {
    name: 'ipmi',
    features: ['power-state', 'power-set', 'boot-device', 'inventory'],

    async powerState(target, o): Promise<PowerState> {
      return withSession(target, opt(o), async (s) => {
        const on = await readPowerOn(s);
        return typeof on === 'string' ? 'unknown' : on ? 'on' : 'off';
      });
    },

    async setPower(target, op, o): Promise<void> {
      await withSession(target, opt(o), async (s) => {
        let control: number;
        if (op === 'cycle') {
          // Power cycle of a host that is off is "no effect or error" (§28.3): like bmclib, cycle an off host = on.
          control = (await readPowerOn(s)) === false ? ChassisControl.powerUp : ChassisControl.powerCycle;
        } else control = CONTROL[op];
        // Chassis Control is not idempotent (a second "cycle" cycles again) and BMCs may take a while to answer it
        // (ipmi_sim blocks on its chassis program): wait at least 2 s before sending it again.
        const slow = { ...s.retryPolicy, retryMs: Math.max(s.retryPolicy.retryMs, 2000), retries: Math.min(s.retryPolicy.retries, 2) };
        await s.command(NETFN_CHASSIS, ChassisCmd.control, Buffer.from([control]), `Chassis Control (${op})`, slow);
      });
    },

    async setBootDevice(target, boot: BootDevice, o): Promise<void> {
      await withSession(target, opt(o), async (s) => {
        const flags = setBootFlagsRequest({ device: boot.device === 'network' ? 'pxe' : 'disk', persistent: boot.persistent, efi: boot.firmware === 'uefi' });
        await s.command(NETFN_CHASSIS, ChassisCmd.setBootOptions, flags, 'Set System Boot Options (boot flags)');
      });
    },

    async inventory(target, o): Promise<Inventory> {
      return withSession(target, opt(o), async (s) => {
        const dev = decodeDeviceId(await s.command(NETFN_APP, Cmd.getDeviceId, undefined, 'Get Device ID'));
        const fru = parseFru(await readFruImage(s, 0));
        const f = typeof fru === 'string' ? {} : fru;
        const iana = typeof dev === 'string' ? '' : `IANA ${dev.manufacturerId}`;
        return {
          vendor: f.productManufacturer || f.boardManufacturer || iana,
          model: f.productName || f.boardProduct || '',
          serial: f.productSerial || f.boardSerial || '',
        };
      });
    },
  };
}
