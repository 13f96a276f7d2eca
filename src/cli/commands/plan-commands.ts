// stage0 plan cpu-baseline <noderange>: which CPU model every host of a range can give its guests (live migration
// anywhere in the range), and which hosts hold it down.
import type { Command } from 'commander';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { CpuBaselineReport } from '../../domain/planning/cpu-baseline-service.ts';

export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('plan the cluster stage0 built, from its inventory and discovery facts');
  plan.command('cpu-baseline')
    .argument('<noderange>', 'the hosts that must run each other\'s guests')
    .option('--json', 'print JSON')
    .description('CPU features common to every host of the range, the x86-64 level they reach, the hosts that hold it down')
    .action(async (range: string, o: { json?: boolean }, cmd: Command) => {
      const r = await clientOf(cmd).get<CpuBaselineReport>('/plan/cpu-baseline', { range });
      if (o.json) return printJson(r);
      const level = (l: string | null) => l ?? 'below x86-64';
      const lines = [`baseline of ${r.range}: ${r.hosts.length ? `${level(r.common.level)} (${r.common.flags.length} common CPU features over ${r.hosts.length} hosts)` : 'no host with discovery facts'}`];
      if (r.next) lines.push(`${r.next.level} needs ${r.next.missing.join(' ')}; lacked by ${r.next.lackedBy.join(', ')}`);
      for (const l of r.limiting) lines.push(`${l.node} alone lacks ${l.onlyMissing.length > 8 ? `${l.onlyMissing.slice(0, 8).join(' ')} … (${l.onlyMissing.length})` : l.onlyMissing.join(' ')}; without it: ${level(l.levelWithout)}`);
      if (r.withoutFacts.length) lines.push(`no discovery facts (not counted): ${r.withoutFacts.join(', ')}`);
      print(`${lines.join('\n')}\n\n${formatTable(['NODE', 'LEVEL', 'CPU'], r.hosts.map((h) => [h.node, level(h.level), h.model]))}`);
    });
}
