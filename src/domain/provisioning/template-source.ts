// Where installer templates come from: an operator directory first, then the templates stage0 ships.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface TemplateSource {
  /** The template's text, or undefined if no directory has it. */
  read(name: string): Promise<string | undefined>;
  list(): Promise<string[]>;
}

/** templates/ at the repository root (kickstart/rhel9.ks, esxi/ks.cfg, …). */
export const SHIPPED_TEMPLATES_DIR = path.resolve(new URL('../../../templates/', import.meta.url).pathname);

const NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Reads from the first directory holding the name; names are relative and never leave their directory. */
export function directoryTemplates(dirs: readonly string[]): TemplateSource {
  return {
    async read(name) {
      if (!NAME.test(name) || name.split('/').some((p) => p === '..' || p === '.')) return undefined;
      for (const dir of dirs) {
        try {
          return await readFile(path.join(dir, name), 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
        }
      }
      return undefined;
    },
    async list() {
      const out = new Set<string>();
      for (const dir of dirs) {
        const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
        for (const e of entries) if (e.isFile()) out.add(path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
      }
      return [...out].sort();
    },
  };
}
