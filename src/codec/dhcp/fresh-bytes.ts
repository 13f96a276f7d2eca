// Zeroed byte arrays for the codec, carved from a shared slab. On Node 20 a Uint8Array longer than 64 bytes gets an
// off-heap buffer of its own, ~1.5–2 µs to make and later to free (V8's on-heap limit for typed arrays); a view on a
// 64 KiB slab costs ~50 ns. Like Buffer's pool, a view keeps its slab alive; pieces are never handed out twice, so they
// start zeroed as the slab did.

const SLAB_BYTES = 64 * 1024;
/** Larger requests get an array of their own: a slab is for the many small packets of a burst. */
const MAX_CARVED = 4096;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

export function freshBytes(length: number): Uint8Array {
  if (length > MAX_CARVED) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Uint8Array(slab, used, length);
  used += (length + 7) & ~7; // the next view starts 8-aligned, as any fresh buffer would
  return out;
}

/** A private copy of `bytes` (a listener may reuse its receive buffer). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = freshBytes(bytes.length);
  out.set(bytes);
  return out;
}
