// The CPU compatibility baseline of a set of hosts (vSphere's EVC question, KVM's "which -cpu model migrates
// everywhere"): the features every host has, the x86-64 level they reach together, and which hosts hold it down.
// Pure: the hosts' CPU flags come from discovery facts; the caller picks the hosts (a noderange).
import { nextX86Level, x86Level, type X86Level } from './x86-levels.ts';

export interface HostCpu {
  node: string;
  model: string;
  flags: readonly string[];
}

export interface CpuBaseline {
  /** Hosts considered, with their own level (null: below x86-64, e.g. facts from another architecture). */
  hosts: { node: string; model: string; level: X86Level | null }[];
  /** Features every host has (sorted) and the level they make; null level when there is no host. */
  common: { flags: string[]; level: X86Level | null };
  /** The level above the common one and the features some host lacks for it; absent at the top or with no host. */
  next?: { level: X86Level; missing: string[]; lackedBy: string[] };
  /**
   * Hosts without which the baseline would be richer: the features only they lack (all other hosts have them), and
   * the level the others reach without them. Most features first; empty with fewer than two hosts.
   */
  limiting: { node: string; onlyMissing: string[]; levelWithout: X86Level | null }[];
}

export function cpuBaseline(hosts: readonly HostCpu[]): CpuBaseline {
  const sets = hosts.map((h) => new Set(h.flags));
  const count = new Map<string, number>();
  for (const s of sets) for (const f of s) count.set(f, (count.get(f) ?? 0) + 1);
  const n = hosts.length;
  const commonSet = new Set([...count].filter(([, c]) => c === n).map(([f]) => f));
  const common = { flags: [...commonSet].sort(), level: n === 0 ? null : x86Level(commonSet) };

  const limiting: CpuBaseline['limiting'] = [];
  if (n >= 2) {
    // A feature held by all hosts but one is lost to the baseline only because of that one.
    const almost = [...count].filter(([, c]) => c === n - 1).map(([f]) => f);
    hosts.forEach((h, i) => {
      const onlyMissing = almost.filter((f) => !sets[i]!.has(f)).sort();
      if (onlyMissing.length === 0) return;
      limiting.push({ node: h.node, onlyMissing, levelWithout: x86Level(new Set([...commonSet, ...onlyMissing])) });
    });
    limiting.sort((a, b) => b.onlyMissing.length - a.onlyMissing.length || a.node.localeCompare(b.node));
  }

  const up = n === 0 ? undefined : nextX86Level(commonSet);
  return {
    hosts: hosts.map((h, i) => ({ node: h.node, model: h.model, level: x86Level(sets[i]!) })),
    common,
    ...(up && { next: { ...up, lackedBy: hosts.filter((_, i) => up.missing.some((f) => !sets[i]!.has(f))).map((h) => h.node) } }),
    limiting,
  };
}
