// stage0 audit: who changed what, on which nodes, from where, with what result (append-only trail).
import type { Command } from 'commander';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { AuditEntry } from '../../auth/auth-store.ts';

export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('show the audit trail, oldest first')
    .option('--user <name>', 'only this user')
    .option('--since <time>', 'only from this time on (ISO 8601, e.g. 2026-11-23T10:00:00Z)')
    .option('--node <name>', 'only changes that touched this node')
    .option('--command <command>', 'only this command (e.g. nodech)')
    .option('--limit <n>', 'at most n entries', (v) => Number(v), 1000)
    .option('--json', 'print JSON')
    .action(async (o: { user?: string; since?: string; node?: string; command?: string; limit: number; json?: boolean }, cmd: Command) => {
      const since = o.since === undefined ? undefined : new Date(o.since).toISOString();
      const { items } = await clientOf(cmd).get<{ items: AuditEntry[] }>('/audit', { user: o.user, since, node: o.node, command: o.command, limit: o.limit });
      if (o.json) return printJson(items);
      print(formatTable(['ID', 'TIME', 'USER', 'COMMAND', 'STATUS', 'NODES', 'FROM', 'ROUTE'], items.map((e) => [e.id, e.time, e.user, e.command, e.status, summarize(e.nodes), e.from, e.route])));
    });
}

function summarize(nodes: string[]): string {
  return nodes.length === 0 ? '-' : nodes.length <= 5 ? nodes.join(',') : `${nodes.slice(0, 3).join(',')},… (${nodes.length})`;
}
