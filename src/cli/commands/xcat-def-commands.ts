// mkdef / lsdef, as xCAT operators type them: -t node|group|site, -o objects, key=value.
import type { Command } from 'commander';
import { clientOf, fetchAll, print, printJson } from '../cli-context.ts';
import { CliError } from '../api-client.ts';
import { addNodes } from './node-commands.ts';
import { parseAssignments } from '../parse-assignments.ts';
import type { NodeView } from '../../domain/services/node-view.ts';
import type { Group, Site } from '../../domain/inventory/types.ts';

type DefOpts = { type?: string; objects?: string; json?: boolean };

function stanza(name: string, attrs: Record<string, unknown>): string {
  const lines = Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `    ${k}=${v}`);
  return [`Object name: ${name}`, ...lines].join('\n');
}

export function registerXcatDefCommands(program: Command): void {
  program
    .command('mkdef')
    .description('xCAT mkdef: create a node (range) or a group, e.g. mkdef -t node -o n[01-04] groups=compute')
    .option('-t, --type <type>', 'node or group', 'node')
    .option('-o, --objects <names>', 'object names (noderange for nodes)')
    .option('--json', 'print JSON')
    .argument('[args...]', '[noderange] key=value…')
    .action(async (args: string[], o: DefOpts, cmd: Command) => {
      const rest = [...args];
      const objects = o.objects ?? (rest[0] && !rest[0].includes('=') ? rest.shift() : undefined);
      if (!objects) throw new CliError('mkdef: name the object with -o <name> or as the first argument', 2);
      if (o.type === 'node') return addNodes(cmd, objects, rest, o);
      if (o.type !== 'group') throw new CliError(`mkdef: -t must be node or group, not '${o.type}'`, 2);
      const a = parseAssignments(rest);
      const { body } = await clientOf(cmd).request<Group>('POST', '/groups', { body: { name: objects, attrs: a.attrs } });
      o.json ? printJson(body) : print(`created group ${body.name}`);
    });

  program
    .command('lsdef')
    .description('xCAT lsdef: full definitions with inherited attributes (-t node|group|site)')
    .option('-t, --type <type>', 'node, group or site', 'node')
    .option('-o, --objects <names>', 'object names (noderange for nodes)')
    .option('--json', 'print JSON')
    .argument('[noderange]')
    .action(async (range: string | undefined, o: DefOpts, cmd: Command) => {
      const client = clientOf(cmd);
      const objects = o.objects ?? range;
      if (o.type === 'site') {
        const s = await client.get<Site>('/site');
        return o.json ? printJson(s) : print(stanza('clustersite', s.attrs));
      }
      if (o.type === 'group') {
        const groups = objects ? await Promise.all(objects.split(',').map((g) => client.get<Group>(`/groups/${encodeURIComponent(g)}`))) : await fetchAll<Group>(client, '/groups');
        return o.json ? printJson(groups) : print(groups.map((g) => stanza(g.name, g.attrs)).join('\n\n'));
      }
      if (o.type !== 'node') throw new CliError(`lsdef: -t must be node, group or site, not '${o.type}'`, 2);
      const nodes = await fetchAll<NodeView>(client, '/nodes', { range: objects, effective: true });
      if (o.json) return printJson(nodes);
      print(nodes.map((n) => stanza(n.name, { groups: n.groups.join(','), mac: n.macs.join(','), bmc: n.bmc, ...n.effective })).join('\n\n'));
    });
}
