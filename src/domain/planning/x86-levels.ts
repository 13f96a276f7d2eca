// The x86-64 micro-architecture levels of the x86-64 psABI (§3.1.1, "Micro-Architecture Levels"), spelled as Linux
// spells the CPUID features in /proc/cpuinfo (what the discovery agent reports). A level is what a guest may be
// given on every host of a cluster so that it can live-migrate anywhere in it (KVM `-cpu x86-64-vN`-style models,
// vSphere EVC, Proxmox "x86-64-v2-AES" and the like all name a set of this kind).

export type X86Level = 'x86-64' | 'x86-64-v2' | 'x86-64-v3' | 'x86-64-v4';

/** Each level adds these features to the ones below it. */
export const X86_LEVELS: readonly { level: X86Level; adds: readonly string[] }[] = [
  // CMOV CX8 FPU FXSR MMX OSFXSR SCE SSE SSE2, in long mode (lm); OSFXSR has no cpuinfo flag of its own (fxsr).
  { level: 'x86-64', adds: ['lm', 'cmov', 'cx8', 'fpu', 'fxsr', 'mmx', 'syscall', 'sse', 'sse2'] },
  // CMPXCHG16B LAHF-SAHF POPCNT SSE3 (cpuinfo: pni) SSE4_1 SSE4_2 SSSE3
  { level: 'x86-64-v2', adds: ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'] },
  // AVX AVX2 BMI1 BMI2 F16C FMA LZCNT (cpuinfo: abm) MOVBE OSXSAVE (cpuinfo shows the CPU's xsave)
  { level: 'x86-64-v3', adds: ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'] },
  // AVX512F AVX512BW AVX512CD AVX512DQ AVX512VL
  { level: 'x86-64-v4', adds: ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'] },
];

/** The highest level whose features (and those of every level below) are all present; null: not even x86-64. */
export function x86Level(flags: ReadonlySet<string>): X86Level | null {
  let reached: X86Level | null = null;
  for (const { level, adds } of X86_LEVELS) {
    if (!adds.every((f) => flags.has(f))) break;
    reached = level;
  }
  return reached;
}

/** The level above `flags`' own and the features it lacks for it; undefined at the top level. */
export function nextX86Level(flags: ReadonlySet<string>): { level: X86Level; missing: string[] } | undefined {
  const current = x86Level(flags);
  const next = X86_LEVELS[current === null ? 0 : X86_LEVELS.findIndex((l) => l.level === current) + 1];
  return next && { level: next.level, missing: next.adds.filter((f) => !flags.has(f)) };
}
