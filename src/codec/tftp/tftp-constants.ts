// TFTP opcodes, error codes and the one exception the decoder throws (RFC 1350 §5, RFC 2347 §3).

/** Packet opcodes: RFC 1350 §5 (1-5) and RFC 2347 §3 (6 = OACK). */
export const Opcode = {
  RRQ: 1,
  WRQ: 2,
  DATA: 3,
  ACK: 4,
  ERROR: 5,
  OACK: 6,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Error codes: RFC 1350 Appendix (0-7) and RFC 2347 §2 (8 = option negotiation refused). */
export const ErrorCode = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Largest DATA payload any negotiation can produce (RFC 2348: blksize 8..65464). */
export const MAX_BLKSIZE = 65464;
/** Block size when no blksize option is negotiated (RFC 1350 §2). */
export const DEFAULT_BLKSIZE = 512;

/** The only exception the TFTP decoder throws; `reason` is a short, stable, countable label. */
export class TftpDecodeError extends Error {
  readonly reason: string;
  constructor(reason: string, detail?: string) {
    super(detail === undefined ? `malformed TFTP packet: ${reason}` : `malformed TFTP packet: ${reason} (${detail})`);
    this.name = 'TftpDecodeError';
    this.reason = reason;
  }
}
