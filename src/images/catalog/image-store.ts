// The disk image catalog on the file system: <dataDir>/images/<name>/{disk.raw|disk.raw.gz, meta.json}; implements ImageCatalog.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DomainError } from '../../domain/errors.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import type { ImageCatalog, ImageInfo } from '../../domain/provisioning/image-catalog.ts';

export type ImageFormat = ImageInfo['format'];
export const IMAGE_FORMATS: readonly ImageFormat[] = ['raw', 'gz'];
export const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
/** Boot HTTP path prefix the images are served under (see image-boot-routes.ts). */
export const IMAGE_URL_PREFIX = '/boot/images';

/** meta.json: everything about one image, written after its file is complete. */
export interface ImageMeta {
  name: string;
  format: ImageFormat;
  /** File name inside the image directory. */
  file: string;
  /** SHA-256 (hex) and size of the raw, uncompressed bytes: what lands on the disk. */
  sha256: string;
  size: number;
  /** Size of the stored file (= size for raw). */
  storedBytes: number;
  addedAt: string;
  /** 1 for the first image of this name, +1 each time it is replaced. */
  version: number;
}

const fileName = (format: ImageFormat) => (format === 'gz' ? 'disk.raw.gz' : 'disk.raw');

function checkName(name: string): void {
  if (!IMAGE_NAME.test(name) || name.includes('..')) throw new DomainError('invalid', `image name ${JSON.stringify(name)} must match ${IMAGE_NAME}`, { field: 'name' });
}

/** Counts and hashes the bytes that pass through. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.push(chunk);
    cb();
  }
}

/** Left free beside the images: the database, its WAL and the logs live on the same disk. */
const RESERVE_BYTES = 64 * 1024 * 1024;

export class ImageStore implements ImageCatalog {
  readonly dir: string;

  /** `dataDir` is stage0's data directory; images live in its images/ folder. */
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'images');
  }

  /** Commits of one name, one at a time: the version and the "exists" check are decided at commit, not at start. */
  readonly #commits = new KeyedMutex();

  /**
   * Stores `source` as image `name`, hashing the raw bytes (for gz: after gunzip, which also proves the gzip is whole
   * and valid); nothing is visible under the name until the file and meta.json are complete. Two uploads of one name
   * at once: both stream, the first to finish commits, the second is refused (conflict) or, with replace, becomes the
   * next version — never the same version twice, never a half-swapped directory. `expectedBytes` (the upload's
   * Content-Length) is checked against the free space first, so a disk that cannot hold it refuses at once; a disk
   * that fills during the upload ends it with a clear error and nothing kept.
   */
  async add(name: string, source: Readable, format: ImageFormat, opts: { replace?: boolean; now?: Date; expectedBytes?: number } = {}): Promise<ImageMeta> {
    checkName(name);
    if (!IMAGE_FORMATS.includes(format)) throw new DomainError('invalid', `format must be raw or gz, not ${JSON.stringify(format)}`, { field: 'format' });
    const first = await this.meta(name);
    if (first && !opts.replace) throw new DomainError('conflict', `image ${name} exists (version ${first.version}); remove it or replace it`, { field: 'name' });
    await mkdir(this.dir, { recursive: true });
    if (opts.expectedBytes !== undefined) await this.#checkRoom(name, opts.expectedBytes);
    const tmp = join(this.dir, `.tmp-${name}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp);
    try {
      const file = fileName(format);
      const stored = new Digest();
      const raw = new Digest();
      const sink = createWriteStream(join(tmp, file));
      try {
        if (format === 'raw') {
          await pipeline(source, raw, sink);
        } else {
          // Stored as uploaded, then read back through gunzip: hashes the raw bytes and proves the gzip is whole.
          await pipeline(source, stored, sink);
          await pipeline(createReadStream(join(tmp, file)), createGunzip(), raw, new PassThrough().resume()).catch((err: Error) => {
            throw new DomainError('invalid', `not a valid gzip file: ${err.message}`, { field: 'format' });
          });
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          throw new DomainError('unavailable', `no space left on the disk of ${this.dir} after ${format === 'raw' ? raw.bytes : stored.bytes} bytes of image ${name}: nothing was kept; free space or move the data directory`, { cause: err });
        }
        throw err;
      }
      if (raw.bytes === 0) throw new DomainError('invalid', 'the image is empty', { field: 'file' });
      return await this.#commits.run(name, async () => {
        const old = await this.meta(name);
        if (old && !opts.replace) throw new DomainError('conflict', `image ${name} was added (version ${old.version}) while this upload ran; remove it or replace it`, { field: 'name' });
        const meta: ImageMeta = {
          name, format, file,
          sha256: raw.hash.digest('hex'), size: raw.bytes,
          storedBytes: format === 'raw' ? raw.bytes : stored.bytes,
          addedAt: (opts.now ?? new Date()).toISOString(), version: (old?.version ?? 0) + 1,
        };
        await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
        const final = join(this.dir, name);
        if (old) await rename(final, `${tmp}.old`);
        await rename(tmp, final);
        if (old) await rm(`${tmp}.old`, { recursive: true, force: true });
        return meta;
      });
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Refuses an upload the disk cannot hold, keeping 64 MiB free for the database and logs beside the images. */
  async #checkRoom(name: string, bytes: number): Promise<void> {
    const fs = await statfs(this.dir);
    const free = fs.bavail * fs.bsize;
    if (bytes + RESERVE_BYTES > free) {
      throw new DomainError('unavailable', `image ${name} needs ${bytes} bytes but the disk of ${this.dir} has ${free} free (64 MiB are kept for the database); free space or move the data directory`);
    }
  }

  async meta(name: string): Promise<ImageMeta | undefined> {
    if (!IMAGE_NAME.test(name)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.dir, name, 'meta.json'), 'utf8')) as ImageMeta;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(): Promise<ImageMeta[]> {
    if (!existsSync(this.dir)) return [];
    const names = (await readdir(this.dir)).filter((n) => !n.startsWith('.')).sort();
    const metas = await Promise.all(names.map((n) => this.meta(n)));
    return metas.filter((m): m is ImageMeta => m !== undefined);
  }

  async remove(name: string): Promise<ImageMeta> {
    checkName(name);
    // Under the name's commit lock: a replace swapping directories at the same moment would otherwise lose the race
    // halfway (ENOENT on the rename, or the new version removed while the old one is reported).
    return this.#commits.run(name, async () => {
      const meta = await this.meta(name);
      if (!meta) throw new DomainError('not-found', `no image ${name}`, { field: 'name' });
      const gone = join(this.dir, `.rm-${name}-${randomBytes(4).toString('hex')}`);
      await rename(join(this.dir, name), gone);
      await rm(gone, { recursive: true, force: true });
      return meta;
    });
  }

  /** ImageCatalog: what the install agent needs (URL path under the HTTP base, format, raw checksum and size). */
  async get(name: string): Promise<ImageInfo | undefined> {
    const m = await this.meta(name);
    return m && { name: m.name, format: m.format, sha256: m.sha256, size: m.size, urlPath: `${IMAGE_URL_PREFIX}/${encodeURIComponent(m.name)}/${m.file}` };
  }

  /** The stored file of an image for the boot HTTP route, or undefined when the name or file is unknown. */
  async file(name: string, file: string): Promise<{ file: string; size: number; mtime: Date } | undefined> {
    const m = await this.meta(name);
    if (!m || m.file !== file) return undefined;
    const path = join(this.dir, name, m.file);
    const st = await stat(path).catch(() => undefined);
    return st?.isFile() ? { file: path, size: st.size, mtime: st.mtime } : undefined;
  }
}
