// The power driver contract against the Redfish driver and the project's HTTPS Redfish emulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedfishDriver } from '../../src/power/drivers/redfish/redfish-driver.ts';
import { startRedfishBmc, stateFileHost } from '../../src/lab/redfish-bmc.ts';
import { runPowerDriverContract, type Lab } from './support/power-contract.ts';

runPowerDriverContract('redfish', async (): Promise<Lab> => {
    const dir = mkdtempSync(join(tmpdir(), 's0t-ct-'));
    const host = stateFileHost(join(dir, 'state.json'));
    const bmc = await startRedfishBmc({ host, username: 'admin', password: 'ct-pass', serial: 'CT-RF-1' });
    return {
      driver: createRedfishDriver({ ca: bmc.cert }),
      target: { address: '127.0.0.1', port: bmc.port, username: 'admin', password: 'ct-pass' },
      power: () => (host.state().power === 'On' ? 'on' : 'off'),
      boot: () => (bmc.boot.BootSourceOverrideTarget === 'Pxe' ? 'network' : bmc.boot.BootSourceOverrideTarget === 'Hdd' ? 'disk' : 'other'),
      serial: 'CT-RF-1',
      stop: async () => {
        await bmc.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
