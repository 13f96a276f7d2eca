// Application netFn (06h) commands used by the client: IPMI v2.0 §22 (channel auth, sessions) and §20.1 (device ID).

export const NETFN_APP = 0x06;
export const Cmd = {
  getDeviceId: 0x01, // §20.1
  getChannelAuthCapabilities: 0x38, // §22.13
  setSessionPrivilegeLevel: 0x3b, // §22.18
  closeSession: 0x3c, // §22.19
} as const;

/** §22.13 request: bit 7 = "get IPMI v2.0 extended data", channel 0Eh = this channel; requested max privilege. */
export const getChannelAuthCapabilitiesRequest = (privilege: number) => Buffer.from([0x80 | 0x0e, privilege & 0x0f]);

export interface ChannelAuthCapabilities {
  channel: number;
  /** Extended capabilities byte bit 1: the channel supports IPMI v2.0 (RMCP+) connections. */
  ipmi20: boolean;
}
export function decodeChannelAuthCapabilities(d: Buffer): ChannelAuthCapabilities | string {
  if (d.length < 4) return 'short Get Channel Authentication Capabilities response';
  return { channel: d[0]!, ipmi20: (d[1]! & 0x80) !== 0 && (d[3]! & 0x02) !== 0 };
}

/** §22.18: privilege level 4 = administrator. */
export const setSessionPrivilegeRequest = (privilege: number) => Buffer.from([privilege & 0x0f]);

/** §22.19: the managed system's session ID. */
export function closeSessionRequest(bmcSessionId: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(bmcSessionId >>> 0);
  return b;
}

export interface DeviceId {
  deviceId: number;
  deviceRevision: number;
  firmware: string;
  ipmiVersion: string;
  manufacturerId: number;
  productId: number;
}

/** §20.1 Table 20-2 (data after the completion code). Firmware minor revision is BCD; IPMI version is BCD minor:major. */
export function decodeDeviceId(d: Buffer): DeviceId | string {
  if (d.length < 11) return `Get Device ID response of ${d.length} bytes`;
  const bcd = (x: number) => `${x >> 4}${x & 0x0f}`;
  return {
    deviceId: d[0]!,
    deviceRevision: d[1]! & 0x0f,
    firmware: `${d[2]! & 0x7f}.${bcd(d[3]!)}`,
    ipmiVersion: `${d[4]! & 0x0f}.${d[4]! >> 4}`,
    manufacturerId: d[6]! | (d[7]! << 8) | ((d[8]! & 0x0f) << 16),
    productId: d.readUInt16LE(9),
  };
}
