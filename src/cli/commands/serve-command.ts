// stage0 serve: start the controller in the foreground; SIGINT/SIGTERM stop it cleanly.
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.ts';
import { startStage0 } from '../../main.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run stage0: API (and web UI) on 127.0.0.1:8080, embedded SQLite under ./data, DHCP off unless configured')
    .option('-c, --config <file>', 'YAML configuration file (env STAGE0_CONFIG)')
    .option('--data-dir <dir>', 'where the database and generated files live (default ./data)')
    .option('--listen <address>', 'API listen address (default 127.0.0.1)')
    .option('--port <port>', 'API port (default 8080)', (v) => Number(v))
    .action(async (o: { config?: string; dataDir?: string; listen?: string; port?: number }) => {
      const config = await loadConfig(o.config ?? process.env.STAGE0_CONFIG, process.env, { dataDir: o.dataDir, listen: o.listen, port: o.port });
      const running = await startStage0(config);
      process.stderr.write(`stage0 is running: ${running.url} (web UI ${running.url}/ui/, API ${running.url}/api/v1, data in ${config.dataDir})\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`stage0: ${signal}, stopping\n`);
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`stage0: error while stopping: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
