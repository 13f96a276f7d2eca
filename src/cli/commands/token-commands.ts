// stage0 token create|ls|revoke: API tokens for scripts (scoped to commands, expiring, revocable).
import type { Command } from 'commander';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { Credential } from '../../auth/auth-store.ts';

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens for scripts');

  token
    .command('create')
    .description('create a token for yourself; the secret is printed once (export it as STAGE0_TOKEN)')
    .argument('<name>')
    .option('--scope <commands>', 'only these commands (globs allowed: nodels,*.read), comma-separated or repeated', list)
    .option('--expires-days <n>', 'lifetime in days (default 90)', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (name: string, o: { scope?: string[]; expiresDays?: number; json?: boolean }, cmd: Command) => {
      const r = await clientOf(cmd).request<Credential & { token: string }>('POST', '/tokens', { body: { name, scopes: o.scope, expiresInDays: o.expiresDays } });
      if (o.json) return printJson(r.body);
      print(`token ${r.body.id} (${name}) expires ${r.body.expiresAt}\n${r.body.token}`);
    });

  token
    .command('ls')
    .description('list your tokens (--all: everyone\'s, needs token.admin)')
    .option('--all', 'every user\'s tokens')
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; json?: boolean }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: Credential[] }>('/tokens', { all: o.all || undefined });
      if (o.json) return printJson(items);
      print(formatTable(['ID', 'USER', 'NAME', 'SCOPES', 'EXPIRES', 'LAST USED', 'REVOKED'], items.map((t) => [t.id, t.user, t.name, t.scopes?.join(',') ?? '*', t.expiresAt ?? 'never', t.lastUsedAt ?? '-', t.revokedAt ?? '-'])));
    });

  token
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/tokens/${encodeURIComponent(id)}`);
      print(`revoked token ${id}`);
    });
}
