// stage0 nodeset <noderange> osimage[=<profile>]|boot|shell|discover|rescue|stateless=<profile>|stat — xCAT's nodeset.
import type { Command } from 'commander';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

interface BootStatus {
  node: string;
  target: string | null;
  profile: string | null;
  oneshot: boolean;
  expiresAt: string | null;
  installStatus: string | null;
  statusReason: string | null;
}

/** xCAT prints `node: install rocky9`; the extra columns say what else the state holds. */
function table(items: BootStatus[]): string {
  return formatTable(
    ['NODE', 'NEXT BOOT', 'PROFILE', 'ONESHOT', 'EXPIRES', 'INSTALL', 'REASON'],
    items.map((s) => [s.node, s.target ?? '(default)', s.profile ?? '', s.oneshot ? 'yes' : '', s.expiresAt ?? '', s.installStatus ?? '', s.statusReason ?? '']),
  );
}

export async function nodeset(cmd: Command, range: string, target: string, opts: { oneshot?: boolean; expires?: string; cause?: string; json?: boolean }): Promise<void> {
  const client = clientOf(cmd);
  const items = target === 'stat'
    ? (await client.get<{ items: BootStatus[] }>('/boot-states', { noderange: range })).items
    : (await client.request<{ items: BootStatus[] }>('POST', '/nodeset', {
        body: { noderange: range, target, ...(opts.oneshot && { oneshot: true }), ...(opts.expires && { expires: opts.expires }), ...(opts.cause && { cause: opts.cause }) },
      })).body.items;
  if (opts.json) printJson(items);
  else print(table(items));
}

export function registerNodesetCommands(program: Command): void {
  program
    .command('nodeset')
    .description('set the next boot of a noderange: osimage[=<profile>] | boot | shell | discover | rescue | stateless=<profile>; or show it: stat')
    .argument('<noderange>')
    .argument('<target>', 'osimage[=<profile>] (without a value: the inherited osimage attribute), boot, shell, discover, rescue, stateless=<profile>, stat')
    .option('--oneshot', 'only the next boot; afterwards the node boots its disk')
    .option('--expires <duration>', 'fall back to boot after this long, e.g. 30m, 3h, 2d')
    .option('--cause <text>', 'why (recorded on each node timeline)')
    .option('--json', 'print JSON')
    .action((range, target, o, cmd) => nodeset(cmd, range, target, o));
}
