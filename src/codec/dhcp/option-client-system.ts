// RFC 4578 §2.1-2.3 PXE client options: 93 client system architecture, 94 network device interface, 97 machine id.
import type { DhcpClientGuid, DhcpClientNdi } from './dhcp-types.ts';
import { concatBytes, readU16, u16Bytes } from './ipv4-bytes.ts';
import { checkLength, type OptionCodec } from './option-codec.ts';

/** RFC 4578 §2.1 and the IANA "Processor Architecture Types" registry (names for logs). */
export const CLIENT_ARCH_NAMES: Readonly<Record<number, string>> = {
  0: 'x86 BIOS',
  6: 'EFI x86',
  7: 'EFI BC (what x64 UEFI firmware sends)',
  9: 'EFI x86-64',
  10: 'EFI ARM32',
  11: 'EFI ARM64',
  15: 'EFI x86 HTTP',
  16: 'EFI x64 HTTP',
  19: 'EFI ARM64 HTTP',
};

export const clientArch: OptionCodec<number[]> = {
  code: 93,
  decode: (d) => {
    checkLength(93, d, (n) => n >= 2 && n % 2 === 0);
    return Array.from({ length: d.length / 2 }, (_, i) => readU16(d, i * 2));
  },
  encode: (v) => concatBytes(v.map(u16Bytes)),
};

export const clientNdi: OptionCodec<DhcpClientNdi> = {
  code: 94,
  decode: (d) => (checkLength(94, d, (n) => n === 3), { type: d[0] ?? 0, major: d[1] ?? 0, minor: d[2] ?? 0 }),
  encode: (v) => Uint8Array.of(v.type, v.major, v.minor),
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export const clientGuid: OptionCodec<DhcpClientGuid> = {
  code: 97,
  decode: (d) => {
    checkLength(97, d, (n) => n === 17);
    const h = hex(d.subarray(1));
    return { type: d[0] ?? 0, guid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
  },
  encode: (v) => {
    const h = v.guid.replaceAll('-', '');
    if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new RangeError(`not a GUID: ${v.guid}`);
    return concatBytes([Uint8Array.of(v.type), Uint8Array.from(Buffer.from(h, 'hex'))]);
  },
};

