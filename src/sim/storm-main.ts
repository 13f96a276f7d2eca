// Entry point run inside the clients' namespace: `node --import tsx src/sim/storm-main.ts '<StormOptions JSON>' [timelines.json]`.
// Prints one JSON line {report} on stdout; the per-client timelines go to the file when named.
import { writeFileSync } from 'node:fs';
import { runStorm, type StormOptions } from './boot-storm.ts';

const [json, timelineFile] = process.argv.slice(2);
if (!json) throw new Error("usage: storm-main.ts '<StormOptions JSON>' [timelines.json]");
const { report, timelines } = await runStorm(JSON.parse(json) as StormOptions);
if (timelineFile) writeFileSync(timelineFile, JSON.stringify(timelines));
console.log(JSON.stringify({ report }));
process.exit(0); // clients past the deadline may still hold sockets
