// IPMI v1.5 session wrapper (IPMI v2.0 §13.6, Table 13-8), used only before a session exists
// (Get Channel Authentication Capabilities), with authentication type NONE.
import { checkRmcpHeader, RMCP_HEADER } from './rmcp-header.ts';

/** RMCP header, auth type 00h, session sequence 0, session ID 0, message length, message. */
export function encodeV15Unauthenticated(message: Buffer): Buffer {
  const h = Buffer.alloc(10);
  h[9] = message.length;
  return Buffer.concat([RMCP_HEADER, h, message]);
}

/** The IPMI message inside a v1.5 packet, or the drop reason. Auth type != NONE carries a 16-byte auth code. */
export function decodeV15(b: Buffer): Buffer | string {
  const bad = checkRmcpHeader(b);
  if (bad) return bad;
  const authType = b[4];
  if (authType === 0x06) return 'RMCP+ packet, not IPMI v1.5';
  const lenAt = authType === 0 ? 13 : 29;
  if (b.length < lenAt + 1) return 'truncated IPMI v1.5 session header';
  const len = b[lenAt]!;
  if (b.length < lenAt + 1 + len) return 'truncated IPMI v1.5 message';
  return b.subarray(lenAt + 1, lenAt + 1 + len);
}
