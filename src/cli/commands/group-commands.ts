// stage0 group add|ls|set|rm and site ls|set: the upper layers of attribute inheritance.
import type { Command } from 'commander';
import { clientOf, fetchAll, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { parseAssignments } from '../parse-assignments.ts';
import { CliError } from '../api-client.ts';
import type { Group, Site } from '../../domain/inventory/types.ts';

type Json = { json?: boolean };

const attrsOnly = (assignments: string[]) => {
  const a = parseAssignments(assignments);
  if (a.groups || a.macs || a.bmc !== undefined) throw new CliError('groups, mac and bmc are node fields; groups and the site only have attributes', 2);
  return a.attrs;
};

const attrRows = (attrs: Record<string, unknown>) => Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b));

export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('manage group attributes (membership is set on nodes: groups=a,b)');
  group
    .command('add')
    .argument('<name>')
    .argument('[assignments...]')
    .option('--json', 'print JSON')
    .description('create a group with attributes, e.g. ip=|node(\\d+)|10.0.0.($1+0)|')
    .action(async (name: string, assignments: string[], o: Json, cmd: Command) => {
      const { body } = await clientOf(cmd).request<Group>('POST', '/groups', { body: { name, attrs: attrsOnly(assignments) } });
      o.json ? printJson(body) : print(`created group ${body.name}`);
    });
  group
    .command('ls')
    .argument('[name]')
    .option('--json', 'print JSON')
    .description('list groups, or one group with its attributes')
    .action(async (name: string | undefined, o: Json, cmd: Command) => {
      const client = clientOf(cmd);
      if (name) {
        const g = await client.get<Group>(`/groups/${encodeURIComponent(name)}`);
        return o.json ? printJson(g) : print(formatTable(['ATTRIBUTE', 'VALUE'], attrRows(g.attrs)));
      }
      const groups = await fetchAll<Group>(client, '/groups');
      o.json ? printJson(groups) : print(formatTable(['GROUP', 'ATTRIBUTES'], groups.map((g) => [g.name, Object.keys(g.attrs).length])));
    });
  group
    .command('set')
    .argument('<name>')
    .argument('<assignments...>')
    .option('--json', 'print JSON')
    .description('change group attributes: key=value, key= removes')
    .action(async (name: string, assignments: string[], o: Json, cmd: Command) => {
      const client = clientOf(cmd);
      const path = `/groups/${encodeURIComponent(name)}`;
      const { etag } = await client.request<Group>('GET', path);
      const { body } = await client.request<Group>('PATCH', path, { body: { attrs: attrsOnly(assignments) }, ifMatch: etag });
      o.json ? printJson(body) : print(`changed group ${body.name}`);
    });
  group
    .command('rm')
    .argument('<name>')
    .description("remove a group's attributes (nodes keep listing the group)")
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/groups/${encodeURIComponent(name)}`);
      print(`removed group ${name}`);
    });

  const site = program.command('site').description('site-wide default attributes');
  site
    .command('ls')
    .option('--json', 'print JSON')
    .action(async (o: Json, cmd: Command) => {
      const s = await clientOf(cmd).get<Site>('/site');
      o.json ? printJson(s) : print(formatTable(['ATTRIBUTE', 'VALUE'], attrRows(s.attrs)));
    });
  site
    .command('set')
    .argument('<assignments...>')
    .option('--json', 'print JSON')
    .description('change site attributes: key=value, key= removes')
    .action(async (assignments: string[], o: Json, cmd: Command) => {
      const client = clientOf(cmd);
      const { etag } = await client.request<Site>('GET', '/site');
      const { body } = await client.request<Site>('PATCH', '/site', { body: { attrs: attrsOnly(assignments) }, ifMatch: etag });
      o.json ? printJson(body) : print('changed site attributes');
    });
}
