// stage0 login / logout, and the one place that registers the auth commands (user, token, policy, audit).
import os from 'node:os';
import type { Command } from 'commander';
import { ApiClient, CliError } from '../api-client.ts';
import { clientOf, DEFAULT_URL, print } from '../cli-context.ts';
import { credentialsFile, saveLogin, savedLogin } from '../../auth/cli-credentials.ts';
import { registerUserCommands } from './user-commands.ts';
import { registerTokenCommands } from './token-commands.ts';
import { registerPolicyCommands } from './policy-commands.ts';
import { registerAuditCommands } from './audit-commands.ts';

/** A password from STAGE0_PASSWORD, else standard input: a terminal prompt without echo, or the first line of a pipe. */
export async function readPassword(prompt: string): Promise<string> {
  if (process.env.STAGE0_PASSWORD) return process.env.STAGE0_PASSWORD;
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split('\n')[0]!.replace(/\r$/, '');
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (ch: string) => {
      for (const c of ch) {
        if (c === '\r' || c === '\n') return done();
        if (c === '\u0003') return done(new CliError('cancelled', 130));
        if (c === '\u007f') value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

function urlOf(cmd: Command): string {
  return cmd.optsWithGlobals<{ url?: string }>().url ?? process.env.STAGE0_URL ?? DEFAULT_URL;
}

export function registerAuthCommands(program: Command): void {
  program
    .command('login')
    .description(`log in and keep a token in ${credentialsFile()} (0600); password from the prompt, standard input or STAGE0_PASSWORD`)
    .option('--user <name>', 'user name (default: $USER)')
    .action(async (o: { user?: string }, cmd: Command) => {
      const url = urlOf(cmd);
      const user = o.user ?? process.env.USER ?? 'admin';
      const password = await readPassword(`password for ${user} at ${url}: `);
      const client = new ApiClient(url, undefined);
      const r = await client.request<{ token: string; id: string; expiresAt: string }>('POST', '/auth/login', { body: { user, password, tokenName: `stage0 login (${process.env.USER ?? 'cli'}@${hostnameOf()})` } });
      saveLogin(url, { user, token: r.body.token, id: r.body.id, expiresAt: r.body.expiresAt });
      print(`logged in to ${url} as ${user} (token ${r.body.id}, expires ${r.body.expiresAt}); saved in ${credentialsFile()}`);
    });

  program
    .command('logout')
    .description('revoke the saved token for this server and forget it')
    .action(async (_o: unknown, cmd: Command) => {
      const url = urlOf(cmd);
      const saved = savedLogin(url);
      if (!saved) throw new CliError(`not logged in to ${url}`, 6);
      await new ApiClient(url, saved.token).request('POST', '/auth/logout').catch((err: unknown) => {
        // An expired or revoked token cannot log out, but is useless anyway: forget it all the same.
        if (!(err instanceof CliError && err.exitCode === 6)) throw err;
      });
      saveLogin(url, undefined);
      print(`logged out of ${url}`);
    });

  program
    .command('whoami')
    .description('the user and token this CLI acts as')
    .action(async (_o: unknown, cmd: Command) => {
      const me = await clientOf(cmd).get<{ name: string; roles: string[]; via: string; credential: string; expiresAt: string | null }>('/auth/whoami');
      print(`${me.name} (roles: ${me.roles.join(',') || '-'}; ${me.via} ${me.credential}, expires ${me.expiresAt ?? 'never'})`);
    });

  registerUserCommands(program);
  registerTokenCommands(program);
  registerPolicyCommands(program);
  registerAuditCommands(program);
}

function hostnameOf(): string {
  return os.hostname() || 'localhost';
}
