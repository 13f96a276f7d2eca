// stage0 template ls|render|lint: preview an installer template for a node, and lint a noderange before any machine boots.
import type { Command } from 'commander';
import { CliError } from '../api-client.ts';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

interface LintReport {
  checked: number;
  skipped: { node: string; reason: string }[];
  problems: { node: string; template: string; problems: { variable: string | null; line: number; message: string }[] }[];
}

export function registerTemplateCommands(program: Command): void {
  const template = program.command('template').description('installer templates: list, render for a node, lint a noderange');
  template.command('ls').description('list templates (operator directory, then shipped)')
    .action(async (_o: unknown, cmd: Command) => print((await clientOf(cmd).get<{ items: string[] }>('/templates')).items.join('\n')));
  template.command('render').description("render a template for a node (default: its profile's template), with a placeholder token")
    .argument('<node>').argument('[template]')
    .action(async (node: string, name: string | undefined, _o: unknown, cmd: Command) => {
      const text = await clientOf(cmd).get<string>('/templates/render', { node, template: name });
      process.stdout.write(typeof text === 'string' ? text : JSON.stringify(text));
    });
  template.command('lint').description('render every applicable template for every node of a range; exit 1 naming node and variable on any problem')
    .argument('<noderange>').option('--template <name>', 'lint this template for every node instead of each profile template').option('--all', 'every template (operator and shipped) for every node').option('--json', 'print JSON')
    .action(async (range: string, o: { template?: string; all?: boolean; json?: boolean }, cmd: Command) => {
      const r = (await clientOf(cmd).request<LintReport>('POST', '/templates/lint', { body: { noderange: range, ...(o.template && { template: o.template }), ...(o.all && { all: true }) } })).body;
      if (o.json) printJson(r);
      else {
        const rows = r.problems.flatMap((p) => p.problems.map((q) => [p.node, p.template, q.line, q.variable ?? '', q.message]));
        if (rows.length) print(formatTable(['NODE', 'TEMPLATE', 'LINE', 'VARIABLE', 'PROBLEM'], rows));
        for (const s of r.skipped) process.stderr.write(`stage0: ${s.node}: skipped: ${s.reason}\n`);
        print(`${r.checked} checked, ${r.problems.length} with problems, ${r.skipped.length} skipped`);
      }
      if (r.problems.length) throw new CliError(`template lint: ${r.problems.map((p) => `${p.node}: ${p.problems.map((q) => q.variable ?? q.message).join(', ')}`).join('; ')}`, 1);
    });
}
