// Turns discovered facts into node attributes (hw.*), the form inheritance, noderanges and templates can use.
import type { Attrs } from '../inventory/types.ts';
import type { DiscoveryFacts } from './discovery-facts.ts';

/**
 * hw.cpu.model, hw.cpu.sockets, hw.cpu.cores, hw.cpu.threads, hw.memory.mib, hw.disk.count,
 * hw.disk.<i>.name|size|model|serial, hw.nic.count, hw.nic.<i>.mac|driver, hw.dmi.uuid|serial|vendor|product.
 * Sizes are bytes (numbers); empty strings are left out. CPU flags stay in the discovery entry (too long for an attribute).
 */
export function factsToAttrs(f: DiscoveryFacts): Attrs {
  const a: Attrs = {
    'hw.cpu.model': f.cpu.model,
    'hw.cpu.sockets': f.cpu.sockets,
    'hw.cpu.cores': f.cpu.cores,
    'hw.cpu.threads': f.cpu.threads,
    'hw.memory.mib': f.memory.totalMiB,
    'hw.disk.count': f.disks.length,
    'hw.nic.count': f.nics.length,
    'hw.dmi.uuid': f.dmi.uuid,
    'hw.dmi.serial': f.dmi.serial,
    'hw.dmi.vendor': f.dmi.vendor,
    'hw.dmi.product': f.dmi.product,
  };
  f.disks.forEach((d, i) => Object.assign(a, { [`hw.disk.${i}.name`]: d.name, [`hw.disk.${i}.size`]: d.sizeBytes, [`hw.disk.${i}.model`]: d.model, [`hw.disk.${i}.serial`]: d.serial }));
  f.nics.forEach((n, i) => Object.assign(a, { [`hw.nic.${i}.mac`]: n.mac, [`hw.nic.${i}.driver`]: n.driver }));
  for (const [k, v] of Object.entries(a)) if (v === '') delete a[k];
  return a;
}

/** An attribute patch that replaces every hw.* attribute: new facts set, vanished ones (a removed disk) deleted. */
export function hwAttrPatch(current: Attrs, facts: DiscoveryFacts): Record<string, string | number | boolean | null> {
  const next = factsToAttrs(facts);
  const patch: Record<string, string | number | boolean | null> = { ...next };
  for (const k of Object.keys(current)) if (k.startsWith('hw.') && !(k in next)) patch[k] = null;
  return patch;
}
