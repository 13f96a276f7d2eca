// stage0 node add|ls|set|rm, and the xCAT verbs operators know: nodeadd, nodels, nodech, noderm.
import type { Command } from 'commander';
import { clientOf, fetchAll, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { parseAssignments } from '../parse-assignments.ts';
import { CliError } from '../api-client.ts';
import type { NodeView } from '../../domain/services/node-view.ts';

type Json = { json?: boolean };

export async function addNodes(cmd: Command, range: string, assignments: string[], opts: Json): Promise<void> {
  const client = clientOf(cmd);
  const a = parseAssignments(assignments);
  // MACs belong to exactly one node; everything else may name a range (n[01-20]) and goes through bulk create.
  const single = a.macs !== undefined;
  const created = single
    ? [(await client.request<NodeView>('POST', '/nodes', { body: { name: range, ...a } })).body]
    : (await client.request<{ items: NodeView[] }>('POST', '/nodes/bulk', { body: { range, ...a } })).body.items;
  if (opts.json) printJson(created);
  else print(`created ${created.length} node${created.length === 1 ? '' : 's'}: ${summarize(created.map((n) => n.name))}`);
}

export async function listNodes(cmd: Command, range: string | undefined, attrs: string[], opts: Json & { provenance?: boolean }): Promise<void> {
  const client = clientOf(cmd);
  // Scripts asking for --json without attributes get whole nodes; everything else needs only these fields.
  const fields = opts.json && attrs.length === 0 && !opts.provenance ? undefined : 'name,macs,groups,bmc,effective,provenance';
  const nodes = await fetchAll<NodeView>(client, '/nodes', { range, effective: true, provenance: opts.provenance || undefined, fields });
  if (opts.provenance) {
    const rows = nodes.flatMap((n) =>
      Object.entries(n.provenance ?? {})
        .filter(([k]) => attrs.length === 0 || attrs.includes(k))
        .map(([k, p]) => [n.name, k, p.value, p.from.kind === 'group' ? `group ${p.from.name}` : p.from.kind, p.computed ?? '']),
    );
    if (opts.json) printJson(nodes.map((n) => ({ name: n.name, provenance: n.provenance })));
    else print(formatTable(['NODE', 'ATTRIBUTE', 'VALUE', 'FROM', 'COMPUTED FROM'], rows));
    return;
  }
  if (attrs.length === 0) {
    if (opts.json) printJson(nodes);
    else print(nodes.map((n) => n.name).join('\n'));
    return;
  }
  const valueOf = (n: NodeView, k: string) => (k === 'groups' ? n.groups.join(',') : k === 'macs' || k === 'mac' ? n.macs.join(',') : k === 'bmc' ? n.bmc : n.effective?.[k]);
  if (opts.json) printJson(nodes.map((n) => ({ name: n.name, ...Object.fromEntries(attrs.map((k) => [k, valueOf(n, k) ?? null])) })));
  else print(formatTable(['NODE', ...attrs], nodes.map((n) => [n.name, ...attrs.map((k) => valueOf(n, k))])));
}

export async function changeNodes(cmd: Command, range: string, assignments: string[], opts: Json): Promise<void> {
  const client = clientOf(cmd);
  if (assignments.length === 0) throw new CliError('nothing to change: give key=value pairs', 2);
  const a = parseAssignments(assignments);
  let changed: NodeView[];
  if (a.macs !== undefined) {
    // MACs belong to one node: read its ETag first so a concurrent edit is refused, not overwritten.
    const { etag } = await client.request<NodeView>('GET', `/nodes/${encodeURIComponent(range)}`);
    changed = [(await client.request<NodeView>('PATCH', `/nodes/${encodeURIComponent(range)}`, { body: a, ifMatch: etag })).body];
  } else changed = (await client.request<{ items: NodeView[] }>('PATCH', '/nodes', { query: { range }, body: a })).body.items;
  if (opts.json) printJson(changed);
  else print(`changed ${changed.length} node${changed.length === 1 ? '' : 's'}: ${summarize(changed.map((n) => n.name))}`);
}

export async function removeNodes(cmd: Command, range: string, opts: Json): Promise<void> {
  const { removed } = (await clientOf(cmd).request<{ removed: string[] }>('DELETE', '/nodes', { query: { range } })).body;
  if (opts.json) printJson(removed);
  else print(`removed ${removed.length} node${removed.length === 1 ? '' : 's'}: ${summarize(removed)}`);
}

function summarize(names: string[]): string {
  return names.length <= 10 ? names.join(',') : `${names.slice(0, 5).join(',')},…,${names.slice(-2).join(',')}`;
}

/** Registers `node <verb>` and the top-level xCAT alias for each verb. */
export function registerNodeCommands(program: Command): void {
  const node = program.command('node').description('manage nodes');
  const verbs: [string, string, (c: Command) => Command][] = [
    ['add', 'nodeadd', (c) => c.description('add nodes: a name or range (n[01-20]) and key=value (groups=a,b mac=… bmc=… ip=…)').argument('<noderange>').argument('[assignments...]').option('--json', 'print JSON').action((r, a, o, cmd) => addNodes(cmd, r, a, o))],
    ['ls', 'nodels', (c) => c.description('list nodes of a noderange, optionally with effective attributes').argument('[noderange]').argument('[attributes...]').option('--json', 'print JSON').option('--provenance', 'say where each effective value comes from').action((r, a, o, cmd) => listNodes(cmd, r, a, o))],
    ['set', 'nodech', (c) => c.description('change nodes of a noderange: key=value, key= removes').argument('<noderange>').argument('<assignments...>').option('--json', 'print JSON').action((r, a, o, cmd) => changeNodes(cmd, r, a, o))],
    ['rm', 'noderm', (c) => c.description('remove the nodes of a noderange').argument('<noderange>').option('--json', 'print JSON').action((r, o, cmd) => removeNodes(cmd, r, o))],
  ];
  for (const [verb, alias, define] of verbs) {
    define(node.command(verb));
    define(program.command(alias)).description(`same as: stage0 node ${verb}`);
  }
}
