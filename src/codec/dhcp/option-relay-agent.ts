// RFC 3046 §2.0 relay agent information (option 82): sub-options 1 circuit id, 2 remote id. Servers
// echo the option unchanged (§2.2), which buildReply does from the raw bytes, not from this view.
import type { DhcpRelayAgentInfo } from './dhcp-types.ts';
import { checkLength, readSubOptions, writeSubOptions, type OptionCodec } from './option-codec.ts';

export const relayAgentInfo: OptionCodec<DhcpRelayAgentInfo> = {
  code: 82,
  decode: (d) => {
    checkLength(82, d, (n) => n >= 2);
    const subOptions = readSubOptions(82, d);
    const circuitId = subOptions.find((s) => s.code === 1)?.data;
    const remoteId = subOptions.find((s) => s.code === 2)?.data;
    return { ...(circuitId ? { circuitId } : {}), ...(remoteId ? { remoteId } : {}), subOptions };
  },
  encode: (v) => {
    // Sub-options are authoritative; circuitId/remoteId only fill in what subOptions lacks.
    const subs = [...v.subOptions];
    if (v.circuitId && !subs.some((s) => s.code === 1)) subs.unshift({ code: 1, data: v.circuitId });
    if (v.remoteId && !subs.some((s) => s.code === 2)) subs.push({ code: 2, data: v.remoteId });
    return writeSubOptions(subs);
  },
};
