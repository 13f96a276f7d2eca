// RAKP Messages 1-4 (IPMI v2.0 §13.20 - §13.23): the key exchange that opens an RMCP+ session.

/** Name-only lookup (§13.20 byte 25 bit 4): the BMC looks the user up by name, privilege from the request. */
export const NAME_ONLY_LOOKUP = 0x10;

export interface Rakp1 {
  tag: number;
  bmcSessionId: number;
  consoleRandom: Buffer;
  /** Privilege (bits 3:0) | lookup bit. */
  role: number;
  username: Buffer;
}

/** §13.20: tag, reserved(3), managed system session ID, Rm(16), role, reserved(2), name length, name. */
export function encodeRakp1(r: Rakp1): Buffer {
  if (r.username.length > 16) throw new RangeError('IPMI user names are at most 16 bytes');
  const b = Buffer.alloc(28 + r.username.length);
  b[0] = r.tag;
  b.writeUInt32LE(r.bmcSessionId >>> 0, 4);
  r.consoleRandom.copy(b, 8, 0, 16);
  b[24] = r.role;
  b[27] = r.username.length;
  r.username.copy(b, 28);
  return b;
}

export interface Rakp2 {
  tag: number;
  status: number;
  consoleSessionId: number;
  bmcRandom: Buffer;
  bmcGuid: Buffer;
  authCode: Buffer;
}

/** §13.21: tag, status, reserved(2), console session ID, Rc(16), GUIDc(16), key exchange auth code (20 SHA1, 32 SHA256). */
export function decodeRakp2(b: Buffer): Rakp2 | string {
  if (b.length < 2) return 'truncated RAKP 2';
  const base = { tag: b[0]!, status: b[1]!, consoleSessionId: b.length >= 8 ? b.readUInt32LE(4) : 0 };
  if (base.status !== 0) return { ...base, bmcRandom: Buffer.alloc(0), bmcGuid: Buffer.alloc(0), authCode: Buffer.alloc(0) };
  if (b.length < 40) return `RAKP 2 of ${b.length} bytes`;
  return { ...base, bmcRandom: b.subarray(8, 24), bmcGuid: b.subarray(24, 40), authCode: b.subarray(40) };
}

/** §13.22: tag, status, reserved(2), managed system session ID, key exchange auth code (omitted on error). */
export function encodeRakp3(r: { tag: number; status: number; bmcSessionId: number; authCode: Buffer }): Buffer {
  const b = Buffer.alloc(8);
  b[0] = r.tag;
  b[1] = r.status;
  b.writeUInt32LE(r.bmcSessionId >>> 0, 4);
  return r.status === 0 ? Buffer.concat([b, r.authCode]) : b;
}

export interface Rakp4 {
  tag: number;
  status: number;
  consoleSessionId: number;
  icv: Buffer;
}

/** §13.23: tag, status, reserved(2), console session ID, integrity check value (12 SHA1, 16 SHA256). */
export function decodeRakp4(b: Buffer): Rakp4 | string {
  if (b.length < 2) return 'truncated RAKP 4';
  const r = { tag: b[0]!, status: b[1]!, consoleSessionId: b.length >= 8 ? b.readUInt32LE(4) : 0, icv: b.subarray(8) };
  if (r.status === 0 && r.icv.length < 12) return `RAKP 4 of ${b.length} bytes`;
  return r;
}
