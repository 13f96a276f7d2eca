// Where the installer leaves its seed on the disk (the UP_URL from install-done) for the installed system to read.
// A raw sector region in the gap between the MBR and the first partition (1 MiB alignment leaves LBA 1..2047 unused).

/** First sector of the seed region (byte offset 512 KiB). */
export const SEED_LBA = 1024;
/** Length of the region in 512-byte sectors (4 KiB); the seed text is NUL-padded to it. */
export const SEED_SECTORS = 8;
/** First line of a seed: anything else in the region means "no seed" (a fresh disk is all zeros there). */
export const SEED_MAGIC = '# stage0-seed v1';

/** The seed text: the magic line, then the install-done answer (shell assignments such as UP_URL='...'). */
export function encodeSeed(doneAnswer: string): Buffer {
  const text = `${SEED_MAGIC}\n${doneAnswer.replace(/\0/g, '').trimEnd()}\n`;
  const buf = Buffer.alloc(SEED_SECTORS * 512);
  if (Buffer.byteLength(text) > buf.length) throw new Error(`seed is ${Buffer.byteLength(text)} bytes, the region holds ${buf.length}`);
  buf.write(text, 0, 'utf8');
  return buf;
}

/** The UP_URL of a seed region's bytes, or null when there is no seed (what the on-disk init does in shell). */
export function decodeSeedUpUrl(region: Buffer): string | null {
  const end = region.indexOf(0);
  const lines = region.subarray(0, end < 0 ? region.length : end).toString('utf8').split('\n');
  if (lines[0] !== SEED_MAGIC) return null;
  for (const l of lines) {
    const m = /^UP_URL='([^']*)'$/.exec(l);
    if (m) return m[1]!;
  }
  return null;
}
