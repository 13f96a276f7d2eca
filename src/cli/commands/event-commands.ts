// stage0 events [noderange]: a node's timeline from the append-only event log.
import type { Command } from 'commander';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { StoredEvent } from '../../domain/inventory/types.ts';

export function registerEventCommands(program: Command): void {
  program
    .command('events')
    .description('show events, oldest first, for a noderange or everything')
    .argument('[noderange]')
    .option('--kind <kinds>', 'only these kinds, comma-separated (e.g. dhcp.ack,node.updated)')
    .option('--limit <n>', 'at most n events', (v) => Number(v), 1000)
    .option('--after <id>', 'only events after this id', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (range: string | undefined, o: { kind?: string; limit: number; after?: number; json?: boolean }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: StoredEvent[] }>('/events', { nodes: range, kind: o.kind, limit: o.limit, after: o.after });
      if (o.json) return printJson(items);
      print(formatTable(['ID', 'TIME', 'NODE', 'KIND', 'ACTOR', 'DETAILS'], items.map((e) => [e.id, e.time, e.node ?? '-', e.kind, e.actor, JSON.stringify(e.details)])));
    });
}
