// stage0 policy ls|add|rm: the policy table (first matching row by priority decides; no match denies).
import type { Command } from 'commander';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { PolicyRow } from '../../auth/auth-store.ts';

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('who may run which commands on which nodes');

  policy
    .command('ls')
    .description('the policy table by priority')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: PolicyRow[] }>('/policy');
      if (o.json) return printJson(items);
      print(formatTable(['ID', 'PRIORITY', 'SUBJECT', 'COMMANDS', 'NODERANGE', 'EFFECT', 'COMMENT'], items.map((r) => [r.id, r.priority, r.subject, r.commands.join(','), r.noderange ?? '*', r.effect, r.comment ?? ''])));
    });

  policy
    .command('add')
    .description('add a row, e.g. policy add --priority 100 --subject user:ops --commands rpower,nodels --noderange rack2')
    .requiredOption('--priority <n>', 'lower numbers are matched first', (v) => Number(v))
    .requiredOption('--subject <subject>', 'user:<name> | group:<name> | role:<name> | *')
    .requiredOption('--commands <list>', "comma-separated commands or globs ('*' = all)")
    .option('--noderange <range>', 'limit the row to these nodes')
    .option('--deny', 'a deny row (default: allow)')
    .option('--comment <text>', 'why this row exists')
    .action(async (o: { priority: number; subject: string; commands: string; noderange?: string; deny?: boolean; comment?: string }, cmd: Command) => {
      const body = { priority: o.priority, subject: o.subject, commands: o.commands.split(',').map((c) => c.trim()).filter(Boolean), noderange: o.noderange ?? null, effect: o.deny ? 'deny' : 'allow', comment: o.comment ?? null };
      const { body: row } = await clientOf(cmd).request<PolicyRow>('POST', '/policy', { body });
      print(`added policy row ${row.id}`);
    });

  policy
    .command('rm')
    .description('remove a row by id')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/policy/${encodeURIComponent(id)}`);
      print(`removed policy row ${id}`);
    });
}
