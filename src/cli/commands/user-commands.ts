// stage0 user add|ls|rm|passwd|set; `user add --data-dir` works on the local store directly (bootstrap, recovery).
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../api-client.ts';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { readPassword } from './login-commands.ts';
import { hashPassword } from '../../auth/password-hash.ts';
import { randomPassword } from '../../auth/secret-token.ts';
import { openStores } from '../../store/open-store.ts';

interface PublicUser { name: string; roles: string[]; groups: string[]; hasPassword: boolean; createdAt: string }
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage users (administrators)');

  user
    .command('add')
    .description('add a user; the password comes from --password-stdin / STAGE0_PASSWORD, or is generated and printed once')
    .argument('<name>')
    .option('--role <roles>', 'roles, comma-separated or repeated (admin, viewer, or your own)', list)
    .option('--group <groups>', 'groups, comma-separated or repeated', list)
    .option('--password-stdin', 'read the password from standard input')
    .option('--data-dir <dir>', 'work on the SQLite store in this data directory directly, without the API (first setup, lost admin password; stop stage0 first)')
    .action(async (name: string, o: { role?: string[]; group?: string[]; passwordStdin?: boolean; dataDir?: string }, cmd: Command) => {
      const given = o.passwordStdin || process.env.STAGE0_PASSWORD ? await readPassword('password: ') : undefined;
      if (given !== undefined && given.length < 12) throw new CliError('the password must have at least 12 characters', 2);
      if (o.dataDir) {
        const password = given ?? randomPassword();
        const stores = await openStores({ kind: 'sqlite', path: path.join(o.dataDir, 'stage0.db') });
        try {
          await stores.auth.users.create({ name, roles: o.role ?? [], groups: o.group ?? [], passwordHash: await hashPassword(password) });
        } finally {
          await stores.inventory.close();
        }
        print(`added user ${name} to ${o.dataDir}${given === undefined ? `; password: ${password}` : ''}`);
        return;
      }
      const r = await clientOf(cmd).request<PublicUser & { password?: string }>('POST', '/users', { body: { name, roles: o.role, groups: o.group, ...(given !== undefined && { password: given }) } });
      print(`added user ${name}${r.body.password ? `; password (shown once): ${r.body.password}` : ''}`);
    });

  user
    .command('ls')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: PublicUser[] }>('/users');
      if (o.json) return printJson(items);
      print(formatTable(['USER', 'ROLES', 'GROUPS', 'PASSWORD', 'CREATED'], items.map((u) => [u.name, u.roles.join(','), u.groups.join(','), u.hasPassword ? 'set' : '-', u.createdAt])));
    });

  user
    .command('set')
    .description("change a user's roles or groups (replaces the lists given)")
    .argument('<name>')
    .option('--role <roles>', 'roles, comma-separated or repeated', list)
    .option('--group <groups>', 'groups, comma-separated or repeated', list)
    .action(async (name: string, o: { role?: string[]; group?: string[] }, cmd: Command) => {
      await clientOf(cmd).request('PATCH', `/users/${encodeURIComponent(name)}`, { body: { roles: o.role, groups: o.group } });
      print(`changed user ${name}`);
    });

  user
    .command('rm')
    .description('remove a user with their tokens and sessions')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/users/${encodeURIComponent(name)}`);
      print(`removed user ${name}`);
    });

  user
    .command('passwd')
    .description("change my password (asks for the current one), or another user's as an administrator")
    .argument('[name]')
    .action(async (name: string | undefined, _o: unknown, cmd: Command) => {
      const client = clientOf(cmd);
      if (name) {
        const password = await readPassword(`new password for ${name}: `);
        await client.request('PUT', `/users/${encodeURIComponent(name)}/password`, { body: { password } });
        return print(`password of ${name} changed`);
      }
      // Non-interactive use: STAGE0_PASSWORD is the current password and the new one comes on standard input.
      const current = process.env.STAGE0_PASSWORD ?? (await readPassword('current password: '));
      const password = process.env.STAGE0_NEW_PASSWORD ?? (await readPassword('new password: '));
      await client.request('PUT', '/auth/password', { body: { current, password } });
      print('password changed');
    });
}
