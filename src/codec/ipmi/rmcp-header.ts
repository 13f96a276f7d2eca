// RMCP header (IPMI v2.0 §13.1.3, ASF RMCP): the 4 bytes in front of every IPMI-over-LAN datagram.

/** Version 06h (RMCP 1.0), reserved, sequence FFh (no RMCP ACK wanted), class 07h (IPMI message, normal). */
export const RMCP_HEADER: Buffer = Buffer.from([0x06, 0x00, 0xff, 0x07]);
export const RMCP_HEADER_LENGTH = 4;

/** Null when `b` starts with an RMCP header of class IPMI; else the reason to drop it. */
export function checkRmcpHeader(b: Buffer): string | null {
  if (b.length < RMCP_HEADER_LENGTH) return 'shorter than an RMCP header';
  if (b[0] !== 0x06) return `RMCP version ${b[0]}`;
  if ((b[3]! & 0x1f) !== 0x07) return `RMCP class ${b[3]! & 0x1f} is not IPMI`;
  return null;
}
