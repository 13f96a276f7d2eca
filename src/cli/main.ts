// Entry point of the stage0 executable (bin/stage0 runs this through tsx).
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2));
