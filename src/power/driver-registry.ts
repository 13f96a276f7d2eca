// The explicit list of power drivers by name (no registration on import).
import type { Feature, PowerDriver } from './capabilities.ts';

export type DriverRegistry = ReadonlyMap<string, PowerDriver>;

export function createDriverRegistry(drivers: readonly PowerDriver[]): DriverRegistry {
  const m = new Map<string, PowerDriver>();
  for (const d of drivers) {
    if (m.has(d.name)) throw new Error(`power driver ${d.name} listed twice`);
    m.set(d.name, d);
  }
  return m;
}

/** Drivers to try for a node: the one it names, or else every driver declaring the feature, in registry order. */
export function driversFor(registry: DriverRegistry, named: string | undefined, feature: Feature): PowerDriver[] | string {
  if (named) {
    const d = registry.get(named);
    if (!d) return `unknown bmc.driver "${named}" (known: ${[...registry.keys()].join(', ')})`;
    return d.features.includes(feature) ? [d] : `driver ${named} does not support ${feature}`;
  }
  const all = [...registry.values()].filter((d) => d.features.includes(feature));
  return all.length ? all : `no driver supports ${feature}`;
}
