// stage0 image build-env: builds the provisioning environment (kernel + initramfs) on this machine, offline.
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../api-client.ts';
import { print, printJson } from '../cli-context.ts';
import { loadConfig } from '../../config/load-config.ts';
import { PROVISION_ENV_ASSET_DIR } from '../../boot/boot-settings.ts';
import { buildProvisionEnv } from '../../provision-env/build-env.ts';

/** The `image` command, shared with the image catalogue's subcommands: found if already registered, else created. */
export function imageCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'image') ?? program.command('image').description('OS images and the provisioning environment');
}

/** Adds `image build-env` (works without a running controller; needs busybox-static and a cached Debian kernel .deb). */
export function registerImageEnvCommands(program: Command): void {
  imageCommand(program).command('build-env')
    .description(`build the provisioning environment (vmlinuz + initrd.gz); default --out is <boot.assetsDir>/${PROVISION_ENV_ASSET_DIR} of --config`)
    .option('--out <dir>', 'output directory')
    .option('-c, --config <file>', 'configuration file whose boot.assetsDir receives the environment (env STAGE0_CONFIG)')
    .option('--cache <dir>', 'cache for the extracted kernel package (default /var/tmp/stage0-env-cache)')
    .option('--kernel-deb <file>', 'a linux-image-*-amd64 .deb (default: the kernel apt names, downloaded or cached; offline, the best one already on this machine)')
    .option('--json', 'print JSON')
    .action(async (o: { out?: string; config?: string; cache?: string; kernelDeb?: string; json?: boolean }) => {
      let out = o.out;
      if (!out) {
        const file = o.config ?? process.env.STAGE0_CONFIG;
        const assets = file ? (await loadConfig(file, process.env)).boot.assetsDir : undefined;
        if (!assets) throw new CliError('image build-env: give --out DIR, or --config FILE with boot.assetsDir set', 2);
        out = path.join(assets, PROVISION_ENV_ASSET_DIR);
      }
      const started = Date.now();
      const env = await buildProvisionEnv({ outDir: out, ...(o.cache && { cacheDir: o.cache }), ...(o.kernelDeb && { kernelDeb: o.kernelDeb }) });
      if (o.json) return printJson({ ...env, seconds: (Date.now() - started) / 1000 });
      print(`${env.rebuilt ? 'built' : 'up to date'}: ${env.kernel} ${env.initrd} (${env.kernelPackage}, ${env.modules.length} modules, inputs ${env.hash.slice(0, 12)})`);
      if (env.absent.length) print(`note: ${env.kernelPackage} has no ${env.absent.join(', ')}: machines that need them will not get a network or disk in this environment; use a generic linux-image-*-amd64 (--kernel-deb)`);
    });
}
