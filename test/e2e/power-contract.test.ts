// One contract for every power driver (STYLE: "every power driver the same driver tests"): the same steps run
// against the IPMI driver + a real ipmi_sim, and the Redfish driver + the project's HTTPS Redfish emulator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BmcTarget, PowerDriver } from '../../src/power/capabilities.ts';
import { createIpmiDriver } from '../../src/power/drivers/ipmi/ipmi-driver.ts';
import { createRedfishDriver } from '../../src/power/drivers/redfish/redfish-driver.ts';
import { PowerError } from '../../src/power/power-error.ts';
import { SIM_PASS, SIM_USER, startIpmiSims } from './support/ipmi-sim.ts';
import { startRedfishBmc, stateFileHost } from './support/redfish-bmc.ts';

/** What each driver's lab gives the contract: a target, the chassis as the lab sees it, the expected inventory. */
interface Lab {
  driver: PowerDriver;
  target: BmcTarget;
  power(): 'on' | 'off';
  /** The next-boot device as the BMC stored it, in driver terms. */
  boot(): 'network' | 'disk' | 'other';
  serial: string;
  stop(): Promise<void>;
}

const labs: Record<string, () => Promise<Lab>> = {
  ipmi: async () => {
    const farm = await startIpmiSims(1, 'ct');
    const b = farm.bmcs[0]!;
    return {
      driver: createIpmiDriver({ retryMs: 500, retries: 2 }),
      target: { address: '127.0.0.1', port: b.port, username: SIM_USER, password: SIM_PASS },
      power: () => b.state().power,
      boot: () => (b.state().boot === 'pxe' ? 'network' : b.state().boot === 'default' ? 'disk' : 'other'),
      serial: b.serial,
      stop: () => farm.stop(),
    };
  },
  redfish: async () => {
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
  },
};

for (const [name, start] of Object.entries(labs)) {
  describe(`power driver contract: ${name}`, () => {
    let lab: Lab;
    const call = () => ({ signal: AbortSignal.timeout(10_000) });
    before(async () => {
      lab = await start();
    });
    after(async () => lab?.stop());

    it('declares all four features and has their methods', () => {
      assert.deepEqual([...lab.driver.features].sort(), ['boot-device', 'inventory', 'power-set', 'power-state']);
      assert.ok(lab.driver.powerState && lab.driver.setPower && lab.driver.setBootDevice && lab.driver.inventory);
    });

    it('status follows on and off', async () => {
      assert.equal(await lab.driver.powerState!(lab.target, call()), 'off');
      await lab.driver.setPower!(lab.target, 'on', call());
      assert.equal(lab.power(), 'on');
      assert.equal(await lab.driver.powerState!(lab.target, call()), 'on');
      await lab.driver.setPower!(lab.target, 'off', call());
      assert.equal(lab.power(), 'off');
      assert.equal(await lab.driver.powerState!(lab.target, call()), 'off');
    });

    it('cycle on a host that is off turns it on; reset keeps it on', async () => {
      await lab.driver.setPower!(lab.target, 'cycle', call());
      assert.equal(lab.power(), 'on');
      await lab.driver.setPower!(lab.target, 'reset', call());
      assert.equal(lab.power(), 'on');
      await lab.driver.setPower!(lab.target, 'off', call());
    });

    it('boot device network then disk', async () => {
      await lab.driver.setBootDevice!(lab.target, { device: 'network', persistent: false, firmware: 'uefi' }, call());
      assert.equal(lab.boot(), 'network');
      await lab.driver.setBootDevice!(lab.target, { device: 'disk', persistent: true, firmware: 'bios' }, call());
      assert.equal(lab.boot(), 'disk');
    });

    it('inventory reports the serial number', async () => {
      assert.equal((await lab.driver.inventory!(lab.target, call())).serial, lab.serial);
    });

    it('a wrong password is an auth error', async () => {
      await assert.rejects(lab.driver.powerState!({ ...lab.target, password: 'wrong' }, call()), (e: unknown) => e instanceof PowerError && e.code === 'auth');
    });
  });
}
