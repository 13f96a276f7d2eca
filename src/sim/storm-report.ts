// Summary of a storm's client timelines: how many booted, how long (total and per stage), where the others failed.
import type { ClientTimeline, StageName } from './pxe-client.ts';

export interface Spread {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface StormReport {
  clients: number;
  ok: number;
  failed: number;
  /** First client start to last successful client end, ms. */
  totalMs: number;
  /** Per successful client, start to end. */
  perClientMs: Spread;
  perStageMs: Partial<Record<StageName, Spread>>;
  /** DHCP packets and TFTP packets resent by clients (a server that drops shows here before it fails). */
  retries: { dhcp: number; tftp: number };
  failures: Array<{ stage: StageName; reason: string; count: number }>;
  bytes: number;
  unmatchedDhcpReplies: number;
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1]! : NaN };
}

export function summariseStorm(timelines: ClientTimeline[], extra: { unmatchedDhcpReplies: number }): StormReport {
  const ok = timelines.filter((t) => t.ok);
  const stages = new Map<StageName, number[]>();
  let dhcp = 0;
  let tftp = 0;
  let bytes = 0;
  for (const t of timelines) {
    for (const s of t.stages) {
      (stages.get(s.stage) ?? stages.set(s.stage, []).get(s.stage)!).push(s.end - s.start);
      if (s.stage === 'tftp') tftp += s.retries ?? 0;
      else dhcp += s.retries ?? 0;
      bytes += s.bytes ?? 0;
    }
  }
  const failures = new Map<string, { stage: StageName; reason: string; count: number }>();
  for (const t of timelines) {
    if (!t.failed) continue;
    const reason = t.failed.reason.replace(/\d+(\.\d+)?/g, 'N'); // group "timed out at block 17" with "…block 18"
    const key = `${t.failed.stage}\0${reason}`;
    const f = failures.get(key) ?? failures.set(key, { stage: t.failed.stage, reason, count: 0 }).get(key)!;
    f.count++;
  }
  return {
    clients: timelines.length,
    ok: ok.length,
    failed: timelines.length - ok.length,
    totalMs: ok.length ? Math.max(...ok.map((t) => t.end)) - Math.min(...timelines.map((t) => t.start)) : NaN,
    perClientMs: spread(ok.map((t) => t.end - t.start)),
    perStageMs: Object.fromEntries([...stages].map(([k, v]) => [k, spread(v)])),
    retries: { dhcp, tftp },
    failures: [...failures.values()].sort((a, b) => b.count - a.count),
    bytes,
    unmatchedDhcpReplies: extra.unmatchedDhcpReplies,
  };
}
