// Entry point run inside the clients' namespace: `node --import tsx src/sim/storm-main.ts '<StormOptions JSON>' [timelines.json]`.
// Prints one JSON line {report} on stdout; the per-client timelines go to the file when named.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runStorm, type StormOptions } from './boot-storm.ts';

const [json, timelineFile] = process.argv.slice(2);
if (!json) throw new Error("usage: storm-main.ts '<StormOptions JSON>' [timelines.json]");
// The simulator's own event-loop delay: one process plays every client, and when it lags, its clients' timeouts are
// its lag, not the server's. Reported on stderr so a run can be judged (bench/boot-storm prints it).
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const { report, timelines } = await runStorm(JSON.parse(json) as StormOptions);
lag.disable();
console.error(JSON.stringify({ simulatorLoopDelayMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 } }));
if (timelineFile) writeFileSync(timelineFile, JSON.stringify(timelines));
console.log(JSON.stringify({ report }));
process.exit(0); // clients past the deadline may still hold sockets
