// Redfish power driver: ComputerSystem.Reset, boot source override (Pxe/Hdd, Once/Continuous, UEFI/Legacy), inventory.
import type { BmcTarget, BootDevice, CallOptions, Inventory, PowerDriver, PowerOp, PowerState } from '../../capabilities.ts';
import { PowerError } from '../../power-error.ts';
import { redfishErrorText } from './redfish-http.ts';
import { RedfishSession } from './redfish-session.ts';

export interface RedfishDriverOptions {
  /** Extra trusted CA certificates (PEM) for BMCs with private CAs; verification stays on. */
  ca?: string | Buffer;
}

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The first ComputerSystem (a BMC of one server exposes one) with its ETag. */
async function firstSystem(s: RedfishSession): Promise<{ path: string; body: Json; etag?: string }> {
  const col = await s.get('/redfish/v1/Systems');
  const members = col.body.Members as { '@odata.id'?: string }[] | undefined;
  const path = members?.[0]?.['@odata.id'];
  if (!path) throw new PowerError('protocol', 'Systems collection has no members');
  const sys = await s.get(path);
  const etag = sys.headers.etag;
  return { path, body: sys.body, ...(typeof etag === 'string' ? { etag } : {}) };
}

/** Redfish ResetType for each operation (DSP0268 ResetType enum). */
const RESET_TYPE: Record<PowerOp, string> = { on: 'On', off: 'ForceOff', soft: 'GracefulShutdown', reset: 'ForceRestart', cycle: 'PowerCycle' };

async function withLogin<T>(t: BmcTarget, o: CallOptions, ca: RedfishDriverOptions['ca'], fn: (s: RedfishSession) => Promise<T>): Promise<T> {
  const s = await RedfishSession.login(t, { signal: o.signal, ...(ca ? { ca } : {}) });
  try {
    return await fn(s);
  } finally {
    await s.logout();
  }
}

export function createRedfishDriver(options: RedfishDriverOptions = {}): PowerDriver {
  return {
    name: 'redfish',
    features: ['power-state', 'power-set', 'boot-device', 'inventory'],

    powerState: (t, o) =>
      withLogin(t, o, options.ca, async (s): Promise<PowerState> => {
        const p = str((await firstSystem(s)).body.PowerState);
        return p === 'On' ? 'on' : p === 'Off' ? 'off' : 'unknown';
      }),

    setPower: (t, op, o) =>
      withLogin(t, o, options.ca, async (s) => {
        const sys = await firstSystem(s);
        const action = (sys.body.Actions as Json | undefined)?.['#ComputerSystem.Reset'] as Json | undefined;
        const target = str(action?.target);
        if (!target) throw new PowerError('unsupported', `${sys.path} has no #ComputerSystem.Reset action`);
        const allowed = action?.['ResetType@Redfish.AllowableValues'] as string[] | undefined;
        let type = RESET_TYPE[op];
        if (op === 'cycle' && sys.body.PowerState === 'Off') type = 'On'; // like bmclib: cycling an off host turns it on
        else if (op === 'cycle' && allowed && !allowed.includes('PowerCycle')) type = 'ForceRestart';
        if (allowed && !allowed.includes(type)) throw new PowerError('unsupported', `BMC does not allow ResetType ${type} (allowed: ${allowed.join(', ')})`);
        const r = await s.call('POST', target, { ResetType: type });
        if (r.status < 200 || r.status >= 300) throw new PowerError('bmc-error', `ComputerSystem.Reset ${type}: ${redfishErrorText(r)}`);
      }),

    setBootDevice: (t, boot: BootDevice, o) =>
      withLogin(t, o, options.ca, async (s) => {
        const sys = await firstSystem(s);
        const body = {
          Boot: {
            BootSourceOverrideTarget: boot.device === 'network' ? 'Pxe' : 'Hdd',
            BootSourceOverrideEnabled: boot.persistent ? 'Continuous' : 'Once',
            BootSourceOverrideMode: boot.firmware === 'uefi' ? 'UEFI' : 'Legacy',
          },
        };
        // If-Match with the ETag just read: BMCs that check it refuse blind writes with 412.
        const r = await s.call('PATCH', sys.path, body, sys.etag ? { 'If-Match': sys.etag } : {});
        if (r.status < 200 || r.status >= 300) throw new PowerError('bmc-error', `PATCH ${sys.path} Boot: ${redfishErrorText(r)}`);
      }),

    inventory: (t, o) =>
      withLogin(t, o, options.ca, async (s): Promise<Inventory> => {
        const b = (await firstSystem(s)).body;
        return { vendor: str(b.Manufacturer), model: str(b.Model), serial: str(b.SerialNumber) };
      }),
  };
}
