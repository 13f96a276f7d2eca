// Writes a cpio archive in the "newc" format the Linux kernel unpacks as an initramfs (no cpio binary needed).
// Format: Documentation/driver-api/early-userspace/buffer-format.rst — 110-byte ASCII header, name, data, 4-byte padding.

/** One archive member; mode carries the type bits (0o040000 dir, 0o100000 file, 0o120000 symlink). */
export interface CpioEntry {
  name: string;
  mode: number;
  /** File contents, or the link target for a symlink; empty for a directory. */
  data?: Buffer | string;
}

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);

/** Encodes the entries (in order) plus the TRAILER!!! record; uid/gid 0 and mtime 0 keep output reproducible. */
export function encodeCpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const add = (name: string, mode: number, data: Buffer): void => {
    const nameBytes = Buffer.from(`${name}\0`, 'utf8');
    const fields = [ino++, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
    const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
    parts.push(header, nameBytes, pad4(header.length + nameBytes.length), data, pad4(data.length));
  };
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    add(e.name.replace(/^\/+/, ''), e.mode, data);
  }
  add('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}
