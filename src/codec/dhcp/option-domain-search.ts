// RFC 3397 §2 domain search list (option 119): DNS names in RFC 1035 §3.1 wire form, with §4.1.4
// compression pointers whose offsets count from the start of the (RFC 3396 concatenated) option value.
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import { concatBytes, latin1, latin1Bytes } from './ipv4-bytes.ts';
import { checkLength, type OptionCodec } from './option-codec.ts';

const bad = (why: string) => new DhcpDecodeError('bad-value:119', why);

/** Reads the name at `start`; returns it and where the next name begins. Pointers must point backwards. */
function readName(d: Uint8Array, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let at = start;
  let next = -1; // set at the first pointer: the name continues elsewhere, the list continues after it
  let limit = start; // every pointer must go strictly below this, so following them always ends
  let size = 0;
  for (;;) {
    const len = d[at];
    if (len === undefined) throw bad('name runs past the end');
    if (len === 0) {
      if (next < 0) next = at + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      const lo = d[at + 1];
      if (lo === undefined) throw bad('pointer runs past the end');
      const target = ((len & 0x3f) << 8) | lo;
      if (target >= limit) throw bad('pointer does not point backwards');
      if (next < 0) next = at + 2;
      limit = target;
      at = target;
      continue;
    }
    if (len & 0xc0) throw bad('reserved label type');
    if (at + 1 + len > d.length) throw bad('label runs past the end');
    size += len + 1;
    if (size > 255) throw bad('name longer than 255 bytes');
    labels.push(latin1(d.subarray(at + 1, at + 1 + len)));
    at += 1 + len;
  }
  return { name: labels.join('.'), next };
}

export const domainSearch: OptionCodec<string[]> = {
  code: 119,
  decode: (d) => {
    checkLength(119, d, (n) => n >= 1);
    const names: string[] = [];
    for (let at = 0; at < d.length; ) {
      const { name, next } = readName(d, at);
      names.push(name);
      at = next;
    }
    return names;
  },
  encode: (names) => {
    const parts: Uint8Array[] = [];
    const suffixAt = new Map<string, number>(); // suffix -> offset; exact match, so case survives
    let offset = 0;
    for (const name of names) {
      const labels = name === '' ? [] : name.split('.');
      if (latin1Bytes(name).length + 2 > 255) throw new RangeError(`DNS name longer than 255 bytes: ${name.slice(0, 40)}...`);
      let i = 0;
      for (; i < labels.length; i++) {
        const suffix = labels.slice(i).join('.');
        const known = suffixAt.get(suffix);
        if (known !== undefined) break;
        if (offset < 0x4000) suffixAt.set(suffix, offset);
        const b = latin1Bytes(labels[i]!);
        if (b.length < 1 || b.length > 63) throw new RangeError(`bad DNS label in ${JSON.stringify(name)}`);
        parts.push(Uint8Array.of(b.length), b);
        offset += 1 + b.length;
      }
      const known = i < labels.length ? suffixAt.get(labels.slice(i).join('.')) : undefined;
      const tail = known === undefined ? Uint8Array.of(0) : Uint8Array.of(0xc0 | (known >> 8), known & 0xff);
      parts.push(tail);
      offset += tail.length;
    }
    return concatBytes(parts);
  },
};
