// RAKP-HMAC-SHA1 / RAKP-HMAC-SHA256 key exchange math (IPMI v2.0 §13.28, §13.31, §13.32): RAKP 2/3/4 codes, SIK, K1, K2.
// Cipher suite 3 = RAKP-HMAC-SHA1 + HMAC-SHA1-96 + AES-CBC-128; suite 17 = RAKP-HMAC-SHA256 + HMAC-SHA256-128 +
// AES-CBC-128 (§22.15.2, Table 22-20).
import { createHmac } from 'node:crypto';

/** The hash of the authentication algorithm: 01h RAKP-HMAC-SHA1, 03h RAKP-HMAC-SHA256. */
export type RakpHash = 'sha1' | 'sha256';
/** Integrity algorithms: 01h HMAC-SHA1-96 (12-byte code), 04h HMAC-SHA256-128 (16-byte code). */
export type IntegrityAlg = 'sha1-96' | 'sha256-128';

const hmac = (hash: RakpHash, key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const h = createHmac(hash, key);
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
  hash: RakpHash;
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
  /** Kg (BMC key); when absent or all zero Kuid is used (§13.31 "one-key logins"). */
  kg?: Buffer;
}

const nameBytes = (c: RakpContext) => Buffer.concat([Buffer.from([c.role, c.username.length]), c.username]);

/** §13.31: RAKP 2 key exchange auth code = HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm). */
export function rakp2AuthCode(c: RakpContext): Buffer {
  return hmac(c.hash, c.password, u32le(c.consoleSessionId), u32le(c.bmcSessionId), c.consoleRandom, c.bmcRandom, c.bmcGuid, nameBytes(c));
}

/** §13.31: RAKP 3 key exchange auth code = HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm). */
export function rakp3AuthCode(c: RakpContext): Buffer {
  return hmac(c.hash, c.password, c.bmcRandom, u32le(c.consoleSessionId), nameBytes(c));
}

/** §13.31: Session Integrity Key = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm). */
export function sessionIntegrityKey(c: RakpContext): Buffer {
  return hmac(c.hash, c.kg && c.kg.some((x) => x !== 0) ? c.kg : c.password, c.consoleRandom, c.bmcRandom, nameBytes(c));
}

/** §13.31: RAKP 4 integrity check value = HMAC_SIK(Rm, SIDc, GUIDc), truncated to 12 (SHA1) or 16 (SHA256) bytes. */
export function rakp4Icv(c: RakpContext, sik: Buffer): Buffer {
  return hmac(c.hash, sik, c.consoleRandom, u32le(c.bmcSessionId), c.bmcGuid).subarray(0, c.hash === 'sha1' ? 12 : 16);
}

/** §13.32: K_n = HMAC_SIK(constant n, 20 bytes as ipmitool sends for both hashes). K1 = integrity, K2 = cipher. */
export function deriveKey(hash: RakpHash, sik: Buffer, n: 1 | 2): Buffer {
  return hmac(hash, sik, Buffer.alloc(20, n));
}

export const integrityCodeLength = (alg: IntegrityAlg): number => (alg === 'sha1-96' ? 12 : 16);

/** §13.28.1/§13.28.4: integrity auth code over the session header through Next Header, keyed by K1. */
export function integrityAuthCode(alg: IntegrityAlg, k1: Buffer, data: Uint8Array): Buffer {
  return hmac(alg === 'sha1-96' ? 'sha1' : 'sha256', k1, data).subarray(0, integrityCodeLength(alg));
}
