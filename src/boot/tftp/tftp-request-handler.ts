// Answers a RRQ/WRQ arriving on the server port: refuse it with an ERROR, or open the file and
// negotiate options for a read transfer. stage0's TFTP is read-only.
import { encodeError } from '../../codec/tftp/error-packet.ts';
import type { TftpRequest } from '../../codec/tftp/request-packet.ts';
import { ErrorCode, Opcode } from '../../codec/tftp/tftp-constants.ts';
import { TftpAccessDenied, type TftpClient, type TftpFile, type TftpFileSource } from './tftp-file-source.ts';
import { negotiateOptions, type Negotiated, type NegotiationLimits } from './tftp-option-negotiation.ts';

export type RequestDecision =
  | {
      kind: 'reject';
      /** ERROR packet to send from a fresh TID. */
      reply: Buffer;
      /** 'refused': the server said no (write, jail, mode); 'not-found'; 'failed': the source broke. */
      outcome: 'refused' | 'not-found' | 'failed';
      reason: string;
    }
  | { kind: 'transfer'; file: TftpFile; negotiated: Negotiated };

const reject = (outcome: 'refused' | 'not-found' | 'failed', code: number, reason: string): RequestDecision => ({
  kind: 'reject',
  reply: encodeError(code, reason),
  outcome,
  reason,
});

export async function decideRequest(
  req: TftpRequest,
  client: TftpClient,
  source: TftpFileSource,
  limits: NegotiationLimits = {},
): Promise<RequestDecision> {
  if (req.opcode === Opcode.WRQ) return reject('refused', ErrorCode.ACCESS_VIOLATION, 'read-only server: write refused');
  // RFC 1350 §5: "mail" is obsolete; netascii is served as octet (see TftpMode).
  if (req.mode === 'mail') return reject('refused', ErrorCode.ILLEGAL_OPERATION, 'mail mode not supported');
  let file: TftpFile | undefined;
  try {
    file = await source.open(req.filename, client);
  } catch (err) {
    if (err instanceof TftpAccessDenied) return reject('refused', ErrorCode.ACCESS_VIOLATION, err.message);
    return reject('failed', ErrorCode.NOT_DEFINED, `cannot open file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (file === undefined) return reject('not-found', ErrorCode.FILE_NOT_FOUND, 'file not found');
  return { kind: 'transfer', file, negotiated: negotiateOptions(req.options, file.size, limits) };
}
