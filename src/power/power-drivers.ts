// The power drivers stage0 ships, listed explicitly; the entry point passes this registry to the orchestrator.
import { createDriverRegistry, type DriverRegistry } from './driver-registry.ts';
import { createIpmiDriver, type IpmiDriverOptions } from './drivers/ipmi/ipmi-driver.ts';
import { createRedfishDriver, type RedfishDriverOptions } from './drivers/redfish/redfish-driver.ts';

/** ipmi first: nodes without bmc.driver try IPMI, then Redfish. */
export function defaultPowerDrivers(opts: { ipmi?: IpmiDriverOptions; redfish?: RedfishDriverOptions } = {}): DriverRegistry {
  return createDriverRegistry([createIpmiDriver(opts.ipmi), createRedfishDriver(opts.redfish)]);
}
