// PXE 2.1 spec §2.4 (table 2-1) vendor options carried in option 43 when the vendor class is
// "PXEClient" (RFC 4578 §2): 6 discovery control, 8 boot servers, 9 boot menu, 10 menu prompt, 71 boot item.
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import type { DhcpRawOption, PxeBootMenuItem, PxeBootServer, PxeVendorOptions } from './dhcp-types.ts';
import { concatBytes, ipv4Bytes, latin1, latin1Bytes, readIpv4, readU16, u16Bytes } from './ipv4-bytes.ts';
import { mergeSubOptions, readSubOptions, writeSubOptions, type OptionCodec } from './option-codec.ts';

export const PXE_DISCOVERY_CONTROL = 6;
export const PXE_BOOT_SERVERS = 8;
export const PXE_BOOT_MENU = 9;
export const PXE_MENU_PROMPT = 10;
export const PXE_BOOT_ITEM = 71;

const bad = (sub: number) => new DhcpDecodeError('bad-length:43', `PXE sub-option ${sub}`);

function bootServers(d: Uint8Array): PxeBootServer[] {
  const out: PxeBootServer[] = [];
  for (let at = 0; at < d.length; ) {
    const count = d[at + 2];
    if (count === undefined || at + 3 + count * 4 > d.length) throw bad(PXE_BOOT_SERVERS);
    out.push({ type: readU16(d, at), addresses: Array.from({ length: count }, (_, i) => readIpv4(d, at + 3 + i * 4)) });
    at += 3 + count * 4;
  }
  return out;
}

function bootMenu(d: Uint8Array): PxeBootMenuItem[] {
  const out: PxeBootMenuItem[] = [];
  for (let at = 0; at < d.length; ) {
    const len = d[at + 2];
    if (len === undefined || at + 3 + len > d.length) throw bad(PXE_BOOT_MENU);
    out.push({ type: readU16(d, at), description: latin1(d.subarray(at + 3, at + 3 + len)) });
    at += 3 + len;
  }
  return out;
}

/** Option 43 read as PXE sub-options. Option 43 is vendor-specific, so the registry treats failure as "not PXE". */
export const pxeVendor: OptionCodec<PxeVendorOptions> = {
  code: 43,
  decode: (d) => {
    const subOptions = readSubOptions(43, d);
    const out: PxeVendorOptions = { subOptions };
    for (const { code, data } of subOptions) {
      if (code === PXE_DISCOVERY_CONTROL) {
        if (data.length !== 1) throw bad(code);
        out.discoveryControl = data[0] ?? 0;
      } else if (code === PXE_BOOT_SERVERS) out.bootServers = bootServers(data);
      else if (code === PXE_BOOT_MENU) out.bootMenu = bootMenu(data);
      else if (code === PXE_MENU_PROMPT) {
        if (data.length < 1) throw bad(code);
        out.menuPrompt = { timeout: data[0] ?? 0, prompt: latin1(data.subarray(1)) };
      } else if (code === PXE_BOOT_ITEM) {
        if (data.length !== 4) throw bad(code);
        out.bootItem = { type: readU16(data, 0), layer: readU16(data, 2) };
      }
    }
    return out;
  },
  encode: (v) => {
    // Typed fields replace a raw sub-option of the same code in place; the list ends with 255 (PXE 2.1 table 2-1).
    const typed: DhcpRawOption[] = [];
    if (v.discoveryControl !== undefined) typed.push({ code: PXE_DISCOVERY_CONTROL, data: Uint8Array.of(v.discoveryControl) });
    if (v.bootServers) {
      const data = concatBytes(v.bootServers.flatMap((s) => [u16Bytes(s.type), Uint8Array.of(s.addresses.length), ...s.addresses.map(ipv4Bytes)]));
      typed.push({ code: PXE_BOOT_SERVERS, data });
    }
    if (v.bootMenu) {
      const data = concatBytes(v.bootMenu.flatMap((m) => [u16Bytes(m.type), Uint8Array.of(latin1Bytes(m.description).length), latin1Bytes(m.description)]));
      typed.push({ code: PXE_BOOT_MENU, data });
    }
    if (v.menuPrompt) typed.push({ code: PXE_MENU_PROMPT, data: concatBytes([Uint8Array.of(v.menuPrompt.timeout), latin1Bytes(v.menuPrompt.prompt)]) });
    if (v.bootItem) typed.push({ code: PXE_BOOT_ITEM, data: concatBytes([u16Bytes(v.bootItem.type), u16Bytes(v.bootItem.layer)]) });
    return writeSubOptions(mergeSubOptions(v.subOptions, typed), true);
  },
};
