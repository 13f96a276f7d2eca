// CPU feature lists for the planner's tests: one real /proc/cpuinfo capture and lists derived from it (each says how).
/** /proc/cpuinfo of this project's CI machine kind (2026-12-07): "AMD EPYC" as a VM guest. It has AVX2 and AVX-512 but no LZCNT (abm). */
export const EPYC_GUEST = `fpu vme de pse tsc msr pae mce cx8 apic sep pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext lm
constant_tsc rep_good nopl xtopology tsc_reliable nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 sse4_1
sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cr8_legacy misalignsse 3dnowprefetch
topoext pti vmmcall bmi1 avx2 bmi2 erms avx512f avx512dq adx avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt
xsavec xgetbv1 avx_vnni avx512_bf16 clzero xsaveerptr arat avx512vbmi avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg
avx512_vpopcntdq movdiri movdir64b fsrm avx512_vp2intersect`.split(/\s+/);
/** The same host with LZCNT exposed, i.e. what the bare-metal CPU reports. */
export const EPYC = [...EPYC_GUEST, 'abm'];
/** Derived: the bare-metal host without AVX-512 (an AVX2-only generation). */
export const AVX2_ONLY = EPYC.filter((f) => !f.startsWith('avx512'));
/** An arm64 host's features (/proc/cpuinfo "Features"): no x86 level at all. */
export const ARM64 = 'fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp'.split(' ');

