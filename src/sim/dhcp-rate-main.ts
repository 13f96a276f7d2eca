// Entry point run inside the load generator's namespace: `node --import tsx src/sim/dhcp-rate-main.ts '<DhcpRateOptions JSON>'`.
import { runDhcpRate, type DhcpRateOptions } from './dhcp-rate.ts';

const json = process.argv[2];
if (!json) throw new Error("usage: dhcp-rate-main.ts '<DhcpRateOptions JSON>'");
console.log(JSON.stringify({ result: await runDhcpRate(JSON.parse(json) as DhcpRateOptions) }));
