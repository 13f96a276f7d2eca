// The power driver contract against the native IPMI driver and a real ipmi_sim (Debian's openipmi).
import { createIpmiDriver } from '../../src/power/drivers/ipmi/ipmi-driver.ts';
import { SIM_PASS, SIM_USER, startIpmiSims } from './support/ipmi-sim.ts';
import { runPowerDriverContract, type Lab } from './support/power-contract.ts';

runPowerDriverContract('ipmi', async (): Promise<Lab> => {
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
  });
