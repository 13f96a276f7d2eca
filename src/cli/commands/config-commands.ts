// stage0 config check: validate a configuration file without starting anything; names each wrong key.
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { CliError } from '../api-client.ts';
import { print, printJson } from '../cli-context.ts';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('configuration');
  config
    .command('check')
    .description('validate a configuration file; prints each wrong key and exits 1 if any')
    .argument('[file]', 'YAML file (default: env STAGE0_CONFIG, else built-in defaults)')
    .option('--json', 'print the effective configuration as JSON')
    .action(async (file: string | undefined, o: { json?: boolean }) => {
      try {
        const c = await loadConfig(file ?? process.env.STAGE0_CONFIG, process.env);
        if (o.json) printJson({ ...c, store: { ...c.store, url: c.store.url ? '(set)' : undefined } });
        else print(`${file ?? 'defaults'}: ok (dhcp ${c.dhcp.mode}, tftp ${c.tftp.enabled ? 'on' : 'off'}, api ${c.api.listen}:${c.api.port})`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) process.stderr.write(`${file ?? 'config'}: ${p.key}: ${p.message}\n`);
        throw new CliError(`${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} in ${file ?? 'config'}`, 1);
      }
    });
}
