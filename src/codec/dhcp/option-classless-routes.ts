// RFC 3442 classless static routes (option 121): width, the significant octets of the destination, router.
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import type { DhcpClasslessRoute } from './dhcp-types.ts';
import { concatBytes, ipv4Bytes, readIpv4 } from './ipv4-bytes.ts';
import { checkLength, type OptionCodec } from './option-codec.ts';

export const classlessRoutes: OptionCodec<DhcpClasslessRoute[]> = {
  code: 121,
  decode: (d) => {
    checkLength(121, d, (n) => n >= 5);
    const routes: DhcpClasslessRoute[] = [];
    for (let at = 0; at < d.length; ) {
      const width = d[at] ?? 0;
      if (width > 32) throw new DhcpDecodeError('bad-value:121', `prefix length ${width}`);
      const octets = Math.ceil(width / 8);
      if (at + 1 + octets + 4 > d.length) throw new DhcpDecodeError('bad-length:121', `route at ${at} runs past the end`);
      const dest = new Uint8Array(4);
      dest.set(d.subarray(at + 1, at + 1 + octets));
      routes.push({ destination: readIpv4(dest), prefixLength: width, router: readIpv4(d, at + 1 + octets) });
      at += 1 + octets + 4;
    }
    return routes;
  },
  encode: (routes) =>
    concatBytes(
      routes.flatMap((r) => {
        if (!Number.isInteger(r.prefixLength) || r.prefixLength < 0 || r.prefixLength > 32) throw new RangeError(`bad prefix length ${r.prefixLength}`);
        return [Uint8Array.of(r.prefixLength), ipv4Bytes(r.destination).subarray(0, Math.ceil(r.prefixLength / 8)), ipv4Bytes(r.router)];
      }),
    ),
};
