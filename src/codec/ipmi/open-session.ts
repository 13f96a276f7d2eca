// RMCP+ Open Session Request / Response payloads (IPMI v2.0 §13.17, §13.18).

/** Algorithms of one cipher suite (§13.28): auth 01h RAKP-HMAC-SHA1, integrity 01h HMAC-SHA1-96, conf 01h AES-CBC-128. */
export interface CipherAlgorithms {
  auth: number;
  integrity: number;
  confidentiality: number;
}
export const CIPHER_SUITE_3: CipherAlgorithms = { auth: 0x01, integrity: 0x01, confidentiality: 0x01 };
/** Suite 17: auth 03h RAKP-HMAC-SHA256, integrity 04h HMAC-SHA256-128, conf 01h AES-CBC-128. */
export const CIPHER_SUITE_17: CipherAlgorithms = { auth: 0x03, integrity: 0x04, confidentiality: 0x01 };

export interface OpenSessionRequest {
  tag: number;
  /** Requested maximum privilege: 0 = highest matching, 4 = administrator. */
  privilege: number;
  consoleSessionId: number;
  algorithms: CipherAlgorithms;
}

/** An 8-byte algorithm record: payload type (0 auth, 1 integrity, 2 confidentiality), reserved, length 08h, algorithm. */
const algorithmRecord = (type: number, alg: number) => [type, 0, 0, 0x08, alg & 0x3f, 0, 0, 0];

/** §13.17: tag, privilege, reserved(2), console session ID, auth, integrity and confidentiality records. */
export function encodeOpenSessionRequest(r: OpenSessionRequest): Buffer {
  const b = Buffer.alloc(32);
  b[0] = r.tag;
  b[1] = r.privilege;
  b.writeUInt32LE(r.consoleSessionId >>> 0, 4);
  b.set(algorithmRecord(0, r.algorithms.auth), 8);
  b.set(algorithmRecord(1, r.algorithms.integrity), 16);
  b.set(algorithmRecord(2, r.algorithms.confidentiality), 24);
  return b;
}

export interface OpenSessionResponse {
  tag: number;
  status: number;
  privilege: number;
  consoleSessionId: number;
  bmcSessionId: number;
  algorithms?: CipherAlgorithms;
}

/** §13.18: a non-zero status may come without the session IDs and records. */
export function decodeOpenSessionResponse(b: Buffer): OpenSessionResponse | string {
  if (b.length < 2) return 'truncated Open Session Response';
  const tag = b[0]!;
  const status = b[1]!;
  if (status !== 0) return { tag, status, privilege: 0, consoleSessionId: b.length >= 8 ? b.readUInt32LE(4) : 0, bmcSessionId: 0 };
  if (b.length < 36) return `Open Session Response of ${b.length} bytes`;
  return {
    tag,
    status,
    privilege: b[2]!,
    consoleSessionId: b.readUInt32LE(4),
    bmcSessionId: b.readUInt32LE(8),
    algorithms: { auth: b[16]! & 0x3f, integrity: b[24]! & 0x3f, confidentiality: b[32]! & 0x3f },
  };
}
