// The stage0 command line: every command is a thin shell over the REST API, except serve, config check and lab.
import { Command, CommanderError } from 'commander';
import { CliError } from './api-client.ts';
import { DEFAULT_URL } from './cli-context.ts';
import { VERSION } from '../version.ts';
import { registerNodeCommands } from './commands/node-commands.ts';
import { registerGroupCommands } from './commands/group-commands.ts';
import { registerXcatDefCommands } from './commands/xcat-def-commands.ts';
import { registerEventCommands } from './commands/event-commands.ts';
import { registerInventoryDocCommands } from './commands/inventory-doc-commands.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerConfigCommands } from './commands/config-commands.ts';
import { registerLabCommands } from './commands/lab.ts';
import { registerAuthCommands } from './commands/login-commands.ts';
import { registerNodesetCommands } from './commands/nodeset-commands.ts';
import { registerProfileCommands } from './commands/profile-commands.ts';
import { registerTemplateCommands } from './commands/template-commands.ts';
import { registerPowerCommands } from './commands/power-commands.ts';
import { registerDiscoverCommands } from './commands/discover-commands.ts';
import { registerPlanCommands } from './commands/plan-commands.ts';
import { registerImageEnvCommands } from './commands/image-env-commands.ts';
import { registerImageCommands } from './commands/image-commands.ts';
import { ConfigError } from '../config/load-config.ts';

export function buildProgram(): Command {
  const program = new Command('stage0')
    .version(VERSION)
    .description('stage0: power, network boot, inventory and provisioning for racks of servers')
    .option('--url <url>', `stage0 API URL (env STAGE0_URL, default ${DEFAULT_URL})`)
    .showSuggestionAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerConfigCommands(program);
  registerNodeCommands(program);
  registerGroupCommands(program);
  registerXcatDefCommands(program);
  registerEventCommands(program);
  registerInventoryDocCommands(program);
  registerLabCommands(program);
  registerAuthCommands(program);
  registerNodesetCommands(program);
  registerProfileCommands(program);
  registerTemplateCommands(program);
  registerPowerCommands(program);
  registerDiscoverCommands(program);
  registerPlanCommands(program);
  registerImageEnvCommands(program);
  registerImageCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof CliError) {
      process.stderr.write(`stage0: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`stage0: configuration error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`stage0: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
