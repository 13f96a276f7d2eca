// stage0 apply -f inventory.yaml / stage0 export: the inventory as a YAML document, applied idempotently.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { clientOf, print, printJson } from '../cli-context.ts';
import { CliError } from '../api-client.ts';

interface Change {
  action: string;
  kind: string;
  name?: string;
  fields?: string[];
}

const describe = (c: Change) => `${c.action} ${c.kind}${c.name ? ` ${c.name}` : ''}${c.fields?.length ? ` (${c.fields.join(', ')})` : ''}`;

export function registerInventoryDocCommands(program: Command): void {
  program
    .command('apply')
    .description('create/update site, groups and nodes to match a YAML document; a second apply reports no change')
    .requiredOption('-f, --file <file>', 'inventory YAML (- for stdin)')
    .option('--dry-run', 'show what would change, change nothing')
    .option('--prune', 'also remove nodes and groups the document does not list')
    .option('--json', 'print JSON')
    .action(async (o: { file: string; dryRun?: boolean; prune?: boolean; json?: boolean }, cmd: Command) => {
      let text: string;
      try {
        text = o.file === '-' ? await readStdin() : await readFile(o.file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${o.file}: ${(err as Error).message}`, 2);
      }
      let document: unknown;
      try {
        document = parseYaml(text);
      } catch (err) {
        throw new CliError(`${o.file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`, 2);
      }
      const { body } = await clientOf(cmd).request<{ applied: boolean; changes: Change[] }>('POST', '/inventory/apply', {
        body: { document, dryRun: o.dryRun ?? false, prune: o.prune ?? false },
      });
      if (o.json) return printJson(body);
      if (body.changes.length === 0) return print('no change');
      print(body.changes.map((c) => `${o.dryRun ? 'would ' : ''}${describe(c)}`).join('\n'));
      print(`${body.changes.length} change${body.changes.length === 1 ? '' : 's'}${o.dryRun ? ' planned (dry run)' : ' applied'}`);
    });

  program
    .command('export')
    .description('print the whole inventory as YAML that `stage0 apply -f` brings back to the same state')
    .option('--json', 'print JSON instead of YAML')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const doc = await clientOf(cmd).get<unknown>('/inventory/export');
      if (o.json) printJson(doc);
      else process.stdout.write(toYaml(doc));
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
