// Decides the transfer parameters from a RRQ's options (RFC 2347 §2): the OACK names only options
// the client asked for and the server accepted, with the values the server chose.
import { DEFAULT_BLKSIZE } from '../../codec/tftp/tftp-constants.ts';
import { formatOptionValues, parseOptionValues, type TftpOptionValues } from '../../codec/tftp/tftp-options.ts';

export interface NegotiationLimits {
  /** Largest blksize the server will agree to (default 1468: a 1500-byte Ethernet frame over IPv4). */
  maxBlksize?: number;
  /** Link MTU; blksize is also kept under it so DATA never fragments (default 1500). */
  mtu?: number;
  /** IPv6 headers are 20 bytes longer than IPv4's. */
  ipv6?: boolean;
  /** Largest RFC 7440 window the server will agree to (default 64). */
  maxWindowsize?: number;
}

export interface Negotiated {
  blksize: number;
  windowsize: number;
  /** Initial retransmission timeout (RFC 2349 timeout option, else 1 s). */
  timeoutMs: number;
  /** OACK options to send first, or undefined to start with DATA block 1 (RFC 1350). */
  oack: Map<string, string> | undefined;
  /** Requested options left out of the OACK, with why; for the debug log. */
  ignored: { name: string; reason: string }[];
}

export const DEFAULT_MAX_BLKSIZE = 1468;

export function negotiateOptions(requested: ReadonlyMap<string, string>, fileSize: number, limits: NegotiationLimits = {}): Negotiated {
  const { values, ignored } = parseOptionValues(requested);
  const ipOverhead = (limits.ipv6 ? 40 : 20) + 8 + 4; // IP + UDP + TFTP DATA header
  const blksizeCap = Math.max(8, Math.min(limits.maxBlksize ?? DEFAULT_MAX_BLKSIZE, (limits.mtu ?? 1500) - ipOverhead));
  const accepted: TftpOptionValues = {};
  // RFC 2348 §2: the server may answer with a smaller blksize than asked, never a larger one.
  if (values.blksize !== undefined) accepted.blksize = Math.min(values.blksize, blksizeCap);
  // RFC 2349 §3: in a RRQ the client sends 0 and the server answers with the size. Not for an
  // empty file: curl (7.88, lib/tftp.c) rejects "tsize 0" in an OACK as invalid and aborts, and
  // leaving an option out is always allowed (RFC 2347 §2).
  if (values.tsize !== undefined && fileSize > 0) accepted.tsize = fileSize;
  // RFC 2349 §2: the server must use the client's timeout or refuse it; we accept it as asked.
  if (values.timeout !== undefined) accepted.timeout = values.timeout;
  // RFC 7440 §3: the server may answer with a smaller window.
  if (values.windowsize !== undefined) accepted.windowsize = Math.min(values.windowsize, limits.maxWindowsize ?? 64);
  const oack = formatOptionValues(accepted);
  return {
    blksize: accepted.blksize ?? DEFAULT_BLKSIZE,
    windowsize: accepted.windowsize ?? 1,
    timeoutMs: (accepted.timeout ?? 1) * 1000,
    oack: oack.size > 0 ? oack : undefined,
    ignored,
  };
}
