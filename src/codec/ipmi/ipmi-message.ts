// IPMI LAN message framing (IPMI v2.0 §13.8, Table 13-? "IPMI LAN Message"): addresses, netFn/LUN, checksums.

/** Responder: the BMC (IPMB slave address 20h). Requester: remote console software ID 81h. */
export const BMC_ADDRESS = 0x20;
export const CONSOLE_SWID = 0x81;

/** Two's-complement checksum (§13.8): bytes + checksum sum to 0 mod 256. */
export function ipmiChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return (0x100 - sum) & 0xff;
}

export interface IpmiRequest {
  netFn: number;
  cmd: number;
  /** 6-bit request sequence, echoed in the response; matches answers to questions. */
  rqSeq: number;
  data?: Uint8Array;
}

/** rsAddr, netFn/rsLUN, chk1, rqAddr, rqSeq/rqLUN, cmd, data, chk2. */
export function encodeIpmiRequest(r: IpmiRequest): Buffer {
  const data = r.data ?? new Uint8Array(0);
  const b = Buffer.alloc(7 + data.length);
  b[0] = BMC_ADDRESS;
  b[1] = (r.netFn << 2) & 0xfc; // rsLUN 0
  b[2] = ipmiChecksum(b, 0, 2);
  b[3] = CONSOLE_SWID;
  b[4] = (r.rqSeq & 0x3f) << 2; // rqLUN 0
  b[5] = r.cmd;
  b.set(data, 6);
  b[6 + data.length] = ipmiChecksum(b, 3, 6 + data.length);
  return b;
}

export interface IpmiResponse {
  /** The response netFn (request netFn + 1). */
  netFn: number;
  cmd: number;
  rqSeq: number;
  completionCode: number;
  data: Buffer;
}

/** rqAddr, netFn/rqLUN, chk1, rsAddr, rqSeq/rsLUN, cmd, completion code, data, chk2. Returns the drop reason on error. */
export function decodeIpmiResponse(b: Buffer): IpmiResponse | string {
  if (b.length < 8) return `IPMI response of ${b.length} bytes`;
  if (ipmiChecksum(b, 0, 2) !== b[2]) return 'bad header checksum';
  if (ipmiChecksum(b, 3, b.length - 1) !== b[b.length - 1]) return 'bad data checksum';
  return { netFn: b[1]! >> 2, rqSeq: b[4]! >> 2, cmd: b[5]!, completionCode: b[6]!, data: b.subarray(7, b.length - 1) };
}

/** Completion codes (§5.2, Table 5-2) worth naming in an error message. */
const COMPLETION: Record<number, string> = {
  0xc0: 'node busy',
  0xc1: 'invalid command',
  0xc2: 'command invalid for given LUN',
  0xc3: 'timeout while processing command',
  0xc4: 'out of space',
  0xc5: 'reservation cancelled or invalid',
  0xc6: 'request data truncated',
  0xc7: 'request data length invalid',
  0xc8: 'request data field length limit exceeded',
  0xc9: 'parameter out of range',
  0xca: 'cannot return number of requested data bytes',
  0xcb: 'requested sensor, data, or record not present',
  0xcc: 'invalid data field in request',
  0xcd: 'command illegal for specified sensor or record type',
  0xce: 'command response could not be provided',
  0xcf: 'cannot execute duplicated request',
  0xd0: 'SDR repository in update mode',
  0xd1: 'device in firmware update mode',
  0xd2: 'BMC initialization in progress',
  0xd3: 'destination unavailable',
  0xd4: 'insufficient privilege level',
  0xd5: 'command not supported in present state',
  0xd6: 'command sub-function disabled or unavailable',
  0xff: 'unspecified error',
};
export function completionCodeText(cc: number): string {
  return `${COMPLETION[cc] ?? 'completion code'} (0x${cc.toString(16).padStart(2, '0')})`;
}
