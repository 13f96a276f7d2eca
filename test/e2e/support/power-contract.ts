// The one contract every power driver passes (STYLE: "every power driver the same driver tests"); each driver's
// test file gives it a lab: the IPMI driver + a real ipmi_sim, the Redfish driver + the project's HTTPS emulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BmcTarget, PowerDriver } from '../../../src/power/capabilities.ts';
import { PowerError } from '../../../src/power/power-error.ts';

export /** What each driver's lab gives the contract: a target, the chassis as the lab sees it, the expected inventory. */
interface Lab {
  driver: PowerDriver;
  target: BmcTarget;
  power(): 'on' | 'off';
  /** The next-boot device as the BMC stored it, in driver terms. */
  boot(): 'network' | 'disk' | 'other';
  serial: string;
  stop(): Promise<void>;
}

export function runPowerDriverContract(name: string, start: () => Promise<Lab>): void {
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
