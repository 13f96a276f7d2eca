// Runs only the `lab` commands in a process of their own, as `stage0 lab …` would (used by lab-cli.test.ts).
import { Command, CommanderError } from 'commander';
import { registerLabCommands } from '../../../src/cli/commands/lab.ts';

const program = new Command('stage0').exitOverride();
registerLabCommands(program);
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (err) {
  if (!(err instanceof CommanderError)) process.stderr.write(`stage0: ${(err as Error).message}\n`);
  process.exitCode = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : 2) : 1;
}
