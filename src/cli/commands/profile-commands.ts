// stage0 profile add|ls|show|set|rm: profiles (xCAT osimages) — kernel, initrd, cmdline, installer template, image.
import type { Command } from 'commander';
import { CliError } from '../api-client.ts';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { Profile } from '../../domain/provisioning/profile.ts';


const KEYS = ['kernel', 'initrd', 'cmdline', 'template', 'image', 'installTimeout', 'timeout'] as const;

/** key=value pairs → profile fields; `key=` clears an optional field. */
function fieldsOf(assignments: string[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const a of assignments) {
    const i = a.indexOf('=');
    if (i <= 0) throw new CliError(`expected key=value, got '${a}'`, 2);
    const key = a.slice(0, i);
    const value = a.slice(i + 1);
    if (!(KEYS as readonly string[]).includes(key)) throw new CliError(`unknown profile field '${key}' (use ${KEYS.slice(0, 6).join(', ')})`, 2);
    const k = key === 'timeout' ? 'installTimeout' : key;
    if (k === 'installTimeout') {
      if (value !== '' && !/^\d+$/.test(value)) throw new CliError(`installTimeout must be whole seconds, got '${value}'`, 2);
      out[k] = value === '' ? null : Number(value);
    } else out[k] = value === '' && k !== 'cmdline' ? null : value;
  }
  return out;
}

function show(p: Profile): string {
  return formatTable(['FIELD', 'VALUE'], [['name', p.name], ['kernel', p.kernel], ['initrd', p.initrd], ['cmdline', p.cmdline], ['template', p.template], ['image', p.image], ['installTimeout', p.installTimeout], ['version', p.version]]);
}

export function registerProfileCommands(program: Command): void {
  const profile = program.command('profile').description('manage profiles (osimages): what an install or stateless boot loads');
  profile.command('add').description('add a profile: kernel=… [initrd=…] [cmdline=…] [template=…] [image=…] [timeout=<s>]')
    .argument('<name>').argument('<assignments...>').option('--json', 'print JSON')
    .action(async (name: string, assignments: string[], o: { json?: boolean }, cmd: Command) => {
      const body = { name, ...fieldsOf(assignments) };
      if (!('kernel' in body)) throw new CliError('a profile needs kernel=<asset or URL>', 2);
      const created = (await clientOf(cmd).request<Profile>('POST', '/profiles', { body })).body;
      if (o.json) printJson(created);
      else print(`created profile ${created.name}`);
    });
  profile.command('ls').description('list profiles').option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: Profile[] }>('/profiles');
      if (o.json) printJson(items);
      else print(formatTable(['NAME', 'KERNEL', 'INITRD', 'TEMPLATE', 'IMAGE'], items.map((p) => [p.name, p.kernel, p.initrd, p.template, p.image])));
    });
  profile.command('show').description('show one profile').argument('<name>').option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }, cmd: Command) => {
      const p = await clientOf(cmd).get<Profile>(`/profiles/${encodeURIComponent(name)}`);
      if (o.json) printJson(p);
      else print(show(p));
    });
  profile.command('set').description('change a profile: key=value, key= clears').argument('<name>').argument('<assignments...>').option('--json', 'print JSON')
    .action(async (name: string, assignments: string[], o: { json?: boolean }, cmd: Command) => {
      const client = clientOf(cmd);
      const { etag } = await client.request<Profile>('GET', `/profiles/${encodeURIComponent(name)}`);
      const p = (await client.request<Profile>('PATCH', `/profiles/${encodeURIComponent(name)}`, { body: fieldsOf(assignments), ...(etag && { ifMatch: etag }) })).body;
      if (o.json) printJson(p);
      else print(`changed profile ${p.name}`);
    });
  profile.command('rm').description('remove a profile no node is set to').argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/profiles/${encodeURIComponent(name)}`);
      print(`removed profile ${name}`);
    });
}
