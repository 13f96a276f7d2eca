// The CPU baseline of a noderange from what discovery recorded: each node's newest facts (a node booted from two NICs
// has two entries), the planner over them, and the nodes that have no facts named, not silently left out.
import type { DiscoveryEntry } from '../discovery/discovery-store.ts';
import { cpuBaseline, type CpuBaseline } from './cpu-baseline.ts';

export interface CpuBaselineDeps {
  /** The noderange's node names; throws (a DomainError) for an unknown node or a bad range. */
  resolve(range: string): Promise<string[]>;
  /** Discovery entries enrolled as nodes. */
  enrolled(): Promise<readonly DiscoveryEntry[]>;
}

export interface CpuBaselineReport extends CpuBaseline {
  range: string;
  /** Nodes of the range with no discovery facts (never network-booted the discovery environment): not counted. */
  withoutFacts: string[];
}

export async function cpuBaselineOf(range: string, deps: CpuBaselineDeps): Promise<CpuBaselineReport> {
  const names = await deps.resolve(range);
  const newest = new Map<string, DiscoveryEntry>();
  for (const e of await deps.enrolled()) {
    if (!e.node) continue;
    const seen = newest.get(e.node);
    if (!seen || e.lastSeen > seen.lastSeen) newest.set(e.node, e);
  }
  const hosts = names.flatMap((node) => {
    const e = newest.get(node);
    return e ? [{ node, model: e.facts.cpu.model, flags: e.facts.cpu.flags }] : [];
  });
  return { range, ...cpuBaseline(hosts), withoutFacts: names.filter((n) => !newest.has(n)) };
}
