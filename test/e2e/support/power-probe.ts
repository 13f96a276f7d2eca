// Test support, run as a child (inside a test's network namespace): runs one power action over the nodes given as
// JSON in argv[2] with the real drivers and orchestrator, prints {wallMs, results} as JSON on stdout.
import { defaultPowerDrivers } from '../../../src/power/power-drivers.ts';
import { runPowerAction, type PowerNode } from '../../../src/power/power-orchestrator.ts';

const { nodes, timeoutMs, concurrency } = JSON.parse(process.argv[2] ?? '{}') as { nodes: PowerNode[]; timeoutMs: number; concurrency: number };
const t0 = performance.now();
const results = await runPowerAction(nodes, { op: 'status' }, { drivers: defaultPowerDrivers({ ipmi: { retryMs: 300, retries: 2 } }), timeoutMs, concurrency });
process.stdout.write(JSON.stringify({ wallMs: Math.round(performance.now() - t0), results }));
