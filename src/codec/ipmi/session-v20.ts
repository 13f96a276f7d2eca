// IPMI v2.0 RMCP+ session packet (IPMI v2.0 §13.6 Table 13-8, §13.28 integrity trailer, §13.29 confidentiality).
import { decryptPayload, encryptPayload } from './aes-cbc-128.ts';
import { integrityAuthCode, integrityCodeLength, type IntegrityAlg } from './rakp-hmac.ts';
import { checkRmcpHeader, RMCP_HEADER, RMCP_HEADER_LENGTH } from './rmcp-header.ts';

/** Payload types (§13.27.3, Table 13-16). */
export const PayloadType = {
  ipmi: 0x00,
  openSessionRequest: 0x10,
  openSessionResponse: 0x11,
  rakp1: 0x12,
  rakp2: 0x13,
  rakp3: 0x14,
  rakp4: 0x15,
} as const;

/** Session keys once RAKP is done: K1 signs (with the integrity algorithm), K2 encrypts (AES-CBC-128). */
export interface SessionKeys {
  k1: Buffer;
  k2: Buffer;
  integrity: IntegrityAlg;
}

export interface V20Packet {
  payloadType: number;
  /** Managed-system session ID when sending, remote-console session ID when receiving; 0 before activation. */
  sessionId: number;
  sequence: number;
  payload: Buffer;
  encrypted: boolean;
  authenticated: boolean;
}

const AUTH_TYPE_RMCP_PLUS = 0x06;
const NEXT_HEADER = 0x07; // §13.6: always 07h

/** Encodes a packet; with keys it is encrypted (AES-CBC-128) and signed (HMAC-SHA1-96 or HMAC-SHA256-128). */
export function encodeV20(p: { payloadType: number; sessionId: number; sequence: number; payload: Uint8Array }, keys?: SessionKeys): Buffer {
  const body = keys ? encryptPayload(keys.k2, p.payload) : Buffer.from(p.payload);
  const h = Buffer.alloc(12);
  h[0] = AUTH_TYPE_RMCP_PLUS;
  h[1] = (keys ? 0xc0 : 0) | (p.payloadType & 0x3f); // bit 7 encrypted, bit 6 authenticated
  h.writeUInt32LE(p.sessionId >>> 0, 2);
  h.writeUInt32LE(p.sequence >>> 0, 6);
  h.writeUInt16LE(body.length, 10);
  if (!keys) return Buffer.concat([RMCP_HEADER, h, body]);
  // §13.28.4: integrity pad (FFh) so that auth type .. next header is a multiple of 4 bytes.
  const padLen = (4 - ((12 + body.length + 2) % 4)) % 4;
  const signed = Buffer.concat([h, body, Buffer.alloc(padLen, 0xff), Buffer.from([padLen, NEXT_HEADER])]);
  return Buffer.concat([RMCP_HEADER, signed, integrityAuthCode(keys.integrity, keys.k1, signed)]);
}

/** Decodes a received packet, checking its integrity code and decrypting when the header says so. */
export function decodeV20(b: Buffer, keys?: SessionKeys): V20Packet | string {
  const bad = checkRmcpHeader(b);
  if (bad) return bad;
  const s = b.subarray(RMCP_HEADER_LENGTH);
  if (s.length < 12) return 'truncated RMCP+ session header';
  if (s[0] !== AUTH_TYPE_RMCP_PLUS) return `auth type ${s[0]} is not RMCP+`;
  const encrypted = (s[1]! & 0x80) !== 0;
  const authenticated = (s[1]! & 0x40) !== 0;
  const payloadType = s[1]! & 0x3f;
  if (payloadType === 0x02) return 'OEM explicit payloads are not supported';
  const len = s.readUInt16LE(10);
  if (s.length < 12 + len) return 'truncated RMCP+ payload';
  let payload: Buffer = s.subarray(12, 12 + len);
  if (authenticated) {
    if (!keys) return 'authenticated packet outside a session';
    const trailerStart = 12 + len;
    const padLen = (4 - ((trailerStart + 2) % 4)) % 4;
    const authAt = trailerStart + padLen + 2;
    const codeLen = integrityCodeLength(keys.integrity);
    if (s.length < authAt + codeLen) return 'truncated integrity trailer';
    if (s[trailerStart + padLen] !== padLen || s[trailerStart + padLen + 1] !== NEXT_HEADER) return 'bad integrity trailer';
    if (!integrityAuthCode(keys.integrity, keys.k1, s.subarray(0, authAt)).equals(s.subarray(authAt, authAt + codeLen))) return 'integrity check failed';
  }
  if (encrypted) {
    if (!keys) return 'encrypted packet outside a session';
    const plain = decryptPayload(keys.k2, payload);
    if (typeof plain === 'string') return plain;
    payload = plain;
  }
  return { payloadType, sessionId: s.readUInt32LE(2), sequence: s.readUInt32LE(6), payload, encrypted, authenticated };
}
