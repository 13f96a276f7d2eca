// RAKP-HMAC-SHA1 key exchange math (IPMI v2.0 §13.28, §13.31, §13.32): RAKP 2/3/4 codes, SIK, K1, K2.
// Cipher suite 3 = RAKP-HMAC-SHA1 + HMAC-SHA1-96 integrity + AES-CBC-128 confidentiality (§22.15.2, Table 22-20).
import { createHmac } from 'node:crypto';

const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const h = createHmac('sha1', key);
  for (const p of parts) h.update(p);
  return h.digest();
};
const u32le = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** Everything both ends know after RAKP 2; names follow ipmitool (console = remote console, bmc = managed system). */
export interface RakpContext {
  consoleSessionId: number;
  bmcSessionId: number;
  consoleRandom: Buffer; // Rm, 16 bytes
  bmcRandom: Buffer; // Rc, 16 bytes
  bmcGuid: Buffer; // GUIDc, 16 bytes
  /** Requested maximum privilege byte exactly as sent in RAKP 1 (privilege | name-only lookup bit). */
  role: number;
  username: Buffer;
  /** Kuid: the user's password, at most 20 bytes (HMAC pads the key with zeros anyway). */
  password: Buffer;
  /** Kg (BMC key); when absent Kuid is used (§13.31 "one-key logins"). */
  kg?: Buffer;
}

const nameBytes = (c: RakpContext) => Buffer.concat([Buffer.from([c.role, c.username.length]), c.username]);

/** §13.31: RAKP 2 key exchange auth code = HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm). */
export function rakp2AuthCode(c: RakpContext): Buffer {
  return hmac(c.password, u32le(c.consoleSessionId), u32le(c.bmcSessionId), c.consoleRandom, c.bmcRandom, c.bmcGuid, nameBytes(c));
}

/** §13.31: RAKP 3 key exchange auth code = HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm). */
export function rakp3AuthCode(c: RakpContext): Buffer {
  return hmac(c.password, c.bmcRandom, u32le(c.consoleSessionId), nameBytes(c));
}

/** §13.31: Session Integrity Key = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm). */
export function sessionIntegrityKey(c: RakpContext): Buffer {
  return hmac(c.kg && c.kg.some((x) => x !== 0) ? c.kg : c.password, c.consoleRandom, c.bmcRandom, nameBytes(c));
}

/** §13.31: RAKP 4 integrity check value = HMAC_SIK(Rm, SIDc, GUIDc), first 12 bytes for HMAC-SHA1-96. */
export function rakp4Icv(c: RakpContext, sik: Buffer): Buffer {
  return hmac(sik, c.consoleRandom, u32le(c.bmcSessionId), c.bmcGuid).subarray(0, 12);
}

/** §13.32: additional keying material K_n = HMAC_SIK(constant n repeated 20 times). K1 = integrity, K2 = cipher. */
export function deriveKey(sik: Buffer, n: 1 | 2): Buffer {
  return hmac(sik, Buffer.alloc(20, n));
}

/** §13.28.1: HMAC-SHA1-96 integrity auth code over the session header through Next Header, keyed by K1. */
export function integrityAuthCode(k1: Buffer, data: Uint8Array): Buffer {
  return hmac(k1, data).subarray(0, 12);
}
