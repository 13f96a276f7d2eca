// RFC 2132 §9.3 option overload (52) and §9.6 DHCP message type (53).
import { DhcpDecodeError } from './dhcp-decode-error.ts';
import type { DhcpMessageType } from './dhcp-types.ts';
import { checkLength, type OptionCodec } from './option-codec.ts';

/** Option 53 values in wire order: index + 1 is the number. */
export const DHCP_MESSAGE_TYPES: readonly DhcpMessageType[] = ['DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'];

export const messageType: OptionCodec<DhcpMessageType> = {
  code: 53,
  decode: (d) => {
    checkLength(53, d, (n) => n === 1);
    const t = DHCP_MESSAGE_TYPES[(d[0] ?? 0) - 1];
    if (t === undefined) throw new DhcpDecodeError(`bad-message-type:${d[0]}`);
    return t;
  },
  encode: (v) => Uint8Array.of(DHCP_MESSAGE_TYPES.indexOf(v) + 1),
};

/** 1 = file holds options, 2 = sname, 3 = both. The wire layer reads it itself; this is the typed view. */
export const overload: OptionCodec<number> = {
  code: 52,
  decode: (d) => (checkLength(52, d, (n) => n === 1), d[0] ?? 0),
  encode: (v) => Uint8Array.of(v),
};
