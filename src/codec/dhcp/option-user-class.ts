// RFC 3004 §4 user class (option 77): length-prefixed classes; iPXE and others send one bare string instead.
import type { DhcpUserClass } from './dhcp-types.ts';
import { concatBytes, latin1, latin1Bytes } from './ipv4-bytes.ts';
import { checkLength, type OptionCodec } from './option-codec.ts';

/** The RFC form is used when the value parses exactly as non-empty length-prefixed items; else it is plain. */
function rfc3004Items(d: Uint8Array): string[] | undefined {
  const items: string[] = [];
  let i = 0;
  while (i < d.length) {
    const len = d[i] ?? 0;
    if (len === 0 || i + 1 + len > d.length) return undefined;
    items.push(latin1(d.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  return items;
}

export const userClass: OptionCodec<DhcpUserClass> = {
  code: 77,
  decode: (d) => {
    checkLength(77, d, (n) => n >= 1);
    const items = rfc3004Items(d);
    return items === undefined ? { format: 'plain', classes: [latin1(d)] } : { format: 'rfc3004', classes: items };
  },
  encode: (v) => {
    if (v.format === 'plain') return latin1Bytes(v.classes.join(''));
    return concatBytes(
      v.classes.map((c) => {
        const b = latin1Bytes(c);
        if (b.length < 1 || b.length > 255) throw new RangeError('RFC 3004 user class must be 1..255 bytes');
        return concatBytes([Uint8Array.of(b.length), b]);
      }),
    );
  },
};
