// stage0 image add|ls|rm (the disk image catalog, through the API) and image build-test-image (local, offline).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { ApiClient, CliError } from '../api-client.ts';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { ImageMeta } from '../../images/catalog/image-store.ts';
import { buildTestImage, writeTestImage } from '../../images/test-image/build-test-image.ts';

const DEFAULT_CACHE = `${process.env.STAGE0_LAB_ROOT ?? '/var/tmp/stage0-lab'}/cache`;

function format(value: string): 'raw' | 'gz' {
  if (value !== 'raw' && value !== 'gz') throw new InvalidArgumentError('--format must be raw or gz');
  return value;
}

/** The `image` command: found if another module registered it first (image build-env), else created. */
function imageGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'image') ?? program.command('image').description('OS images and the provisioning environment');
}

/** Streams the file as the PUT body through the API client (its token, TLS trust and error mapping). */
async function upload(client: ApiClient, name: string, file: string, fmt: 'raw' | 'gz', replace: boolean): Promise<ImageMeta> {
  const size = (await stat(file).catch(() => {
    throw new CliError(`image add: cannot read ${file}`, 2);
  })).size;
  const stream = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  const query = { format: fmt, ...(replace && { replace: true }) };
  return (await client.upload<ImageMeta>('PUT', `/images/${encodeURIComponent(name)}`, { stream, size, type: 'application/octet-stream' }, query)).body;
}

export function registerImageCommands(program: Command): void {
  const image = imageGroup(program);

  image.command('add')
    .description('add a disk image to the catalog (the server computes the SHA-256 of the raw bytes; gz is verified)')
    .argument('<name>')
    .argument('<file>')
    .option('--format <format>', 'raw or gz (default: gz when the file name ends in .gz)', format)
    .option('--replace', 'replace an image of that name (its version goes up by one)', false)
    .option('--json', 'print JSON')
    .action(async (name: string, file: string, o: { format?: 'raw' | 'gz'; replace: boolean; json?: boolean }, cmd: Command) => {
      const meta = await upload(clientOf(cmd), name, file, o.format ?? (file.endsWith('.gz') ? 'gz' : 'raw'), o.replace);
      if (o.json) return printJson(meta);
      print(`added ${meta.name} v${meta.version}: ${meta.format}, ${meta.size} bytes raw, sha256 ${meta.sha256}`);
    });

  image.command('ls')
    .description('list the disk images of the catalog')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: ImageMeta[] }>('/images');
      if (o.json) return printJson(items);
      print(formatTable(['NAME', 'FORMAT', 'SIZE', 'STORED', 'VERSION', 'SHA256', 'ADDED'], items.map((m) => [m.name, m.format, m.size, m.storedBytes, m.version, m.sha256.slice(0, 16), m.addedAt])));
    });

  image.command('rm')
    .description('remove a disk image from the catalog')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const { body } = await clientOf(cmd).request<ImageMeta>('DELETE', `/images/${encodeURIComponent(name)}`);
      print(`removed ${body.name} v${body.version}`);
    });

  image.command('build-test-image')
    .description('build the test disk image (ESP with the Debian kernel, a busybox initramfs that reports "up", startup.nsh) offline')
    .option('--out <file>', 'where to write the image', 'test-image.img')
    .option('--format <format>', 'raw or gz', format, 'raw')
    .option('--cache <dir>', `kernel package and build cache (default ${DEFAULT_CACHE})`)
    .option('--json', 'print JSON')
    .action(async (o: { out: string; format: 'raw' | 'gz'; cache?: string; json?: boolean }) => {
      const img = await buildTestImage(o.cache ?? DEFAULT_CACHE);
      writeTestImage(img, o.out, o.format);
      if (o.json) return printJson({ ...img, out: o.out, format: o.format });
      print(`${o.out}: ${o.format}, ${img.size} bytes raw, sha256 ${img.sha256}`);
    });
}
