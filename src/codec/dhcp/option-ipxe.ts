// iPXE's encapsulated options (option 175, "Etherboot"), as defined in ipxe src/include/ipxe/dhcp.h:
// clients send feature flags and 177 bus id; servers may send 176 no-pxedhcp to skip the ProxyDHCP wait.
import type { DhcpRawOption, IpxeOptions } from './dhcp-types.ts';
import { readU16, u16Bytes, concatBytes } from './ipv4-bytes.ts';
import { mergeSubOptions, readSubOptions, writeSubOptions, type OptionCodec } from './option-codec.ts';

export const IPXE_NO_PXEDHCP = 176;
export const IPXE_BUS_ID = 177;

export const ipxeOptions: OptionCodec<IpxeOptions> = {
  code: 175,
  decode: (d) => {
    const subOptions = readSubOptions(175, d);
    const out: IpxeOptions = { subOptions };
    const noPxe = subOptions.find((s) => s.code === IPXE_NO_PXEDHCP)?.data;
    if (noPxe !== undefined) out.noPxeDhcp = noPxe.some((b) => b !== 0);
    // struct dhcp_netdev_desc { uint8_t type; uint16_t vendor; uint16_t device; } (network byte order)
    const bus = subOptions.find((s) => s.code === IPXE_BUS_ID)?.data;
    if (bus?.length === 5) out.busId = { type: bus[0] ?? 0, vendor: readU16(bus, 1), device: readU16(bus, 3) };
    return out;
  },
  encode: (v) => {
    const typed: DhcpRawOption[] = [];
    if (v.noPxeDhcp !== undefined) typed.push({ code: IPXE_NO_PXEDHCP, data: Uint8Array.of(v.noPxeDhcp ? 1 : 0) });
    if (v.busId) typed.push({ code: IPXE_BUS_ID, data: concatBytes([Uint8Array.of(v.busId.type), u16Bytes(v.busId.vendor), u16Bytes(v.busId.device)]) });
    const subs = mergeSubOptions(v.subOptions, typed);
    return writeSubOptions(subs);
  },
};
