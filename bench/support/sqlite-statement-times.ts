// Diagnostics: time spent in SQLite itself per statement text (better-sqlite3's run/get/all/iterate), printed at exit.
// Preload it into any bench: node --import tsx --import ./bench/support/sqlite-statement-times.ts bench/support/dhcp-inprocess.ts
// (how the per-DORA table in bench/RESULTS.md, session 4, was measured).
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
const probe = new Database(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('select 1'));
const times = new Map<string, [number, number]>();
for (const m of ['all', 'run', 'get', 'iterate'] as const) {
  const orig = proto[m];
  proto[m] = function (this: { source: string }, ...a: unknown[]) {
    const t = process.hrtime.bigint();
    try { return orig.apply(this, a); } finally {
      const k = this.source.slice(0, 110); const e = times.get(k) ?? [0, 0]; e[0] += Number(process.hrtime.bigint() - t); e[1]++; times.set(k, e);
    }
  };
}
// To stdout, or to the file $STAGE0_SQLITE_TIMES (a server whose stdout is a log).
const out: string[] = [];
const log = (s: string) => out.push(s);
process.on('exit', () => {
  const total = [...times.values()].reduce((s, [t]) => s + t, 0);
  log(`sqlite statements total ${(total / 1e6).toFixed(0)} ms`);
  for (const [k, [t, n]] of [...times].sort((a, b) => b[1][0] - a[1][0]).slice(0, 15)) log(`${(t / 1e6).toFixed(0).padStart(6)} ms ${String(n).padStart(6)}x ${(t / n / 1e3).toFixed(1).padStart(6)}µs ${k}`);
  if (process.env.STAGE0_SQLITE_TIMES) writeFileSync(process.env.STAGE0_SQLITE_TIMES, `${out.join('\n')}\n`);
  else console.log(out.join('\n'));
});
