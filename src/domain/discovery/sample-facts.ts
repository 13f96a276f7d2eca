// A valid discovery report for tests (what the agent prints for a small QEMU machine); override what a test varies.
import { parseDiscoveryFacts, type DiscoveryFacts } from './discovery-facts.ts';

export function sampleReport(over: { mac?: string; uuid?: string; serial?: string; cpu?: string; memoryMiB?: number; cores?: number } = {}): Record<string, unknown> {
  const mac = over.mac ?? '52:54:00:aa:bb:01';
  return {
    agent: 'stage0-discover/1',
    bootMac: mac,
    cpu: { model: over.cpu ?? 'QEMU Virtual CPU version 2.5+', sockets: 1, cores: over.cores ?? 2, threads: over.cores ?? 2, flags: ['fpu', 'sse2', 'lm'] },
    memory: { totalMiB: over.memoryMiB ?? 512, usableMiB: (over.memoryMiB ?? 512) - 55 },
    disks: [{ name: 'vda', sizeBytes: 2147483648, model: '', serial: 'DISK-SN-42', rotational: true }],
    nics: [{ name: 'eth0', mac, driver: 'e1000', carrier: true, speedMbps: 1000 }],
    dmi: { uuid: over.uuid ?? '11111111-2222-3333-4444-555555555555', serial: over.serial ?? 'SYS-SN-7', vendor: 'Acme', product: 'Box', boardSerial: '' },
  };
}

export const sampleFacts = (over: Parameters<typeof sampleReport>[0] = {}): DiscoveryFacts => parseDiscoveryFacts(sampleReport(over));
