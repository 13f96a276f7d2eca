// The logging the TFTP code needs; a pino Logger satisfies it.
export interface TftpLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** For callers that want no log. */
export const silentTftpLog: TftpLog = { info() {}, warn() {}, debug() {} };
