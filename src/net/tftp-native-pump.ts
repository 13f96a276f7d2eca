// A TFTP read transfer of an in-memory file driven by native/stage0-tftp-pump.c: ACKs are answered in C on Node's
// loop, without a trip through JavaScript per block (lock-step speed is one round trip per block). The rules are
// ReadTransfer's; packets other than an ACK come here as bytes and are judged with the project's TFTP codec.
import { encodeError } from '../codec/tftp/error-packet.ts';
import { ErrorCode, Opcode, TftpDecodeError } from '../codec/tftp/tftp-constants.ts';
import { decodeTftpPacket } from '../codec/tftp/tftp-packet.ts';
import { describeWhereabouts, type TransferOutcome, type TransferResult } from '../boot/tftp/read-transfer.ts';
import type { Negotiated } from '../boot/tftp/tftp-option-negotiation.ts';
import { encodeOack } from '../codec/tftp/oack-packet.ts';
import { addonPath, loadAddon, tryLoadAddon } from './native-addon.ts';

export const TFTP_PUMP_ADDON_PATH = addonPath('stage0_tftp_pump');

interface PumpState {
  acked: number;
  lastBlock: number;
  retries: number;
  sinceProgressMs: number;
  /** -1: no timer armed. */
  nextRetransmitMs: number;
  bytesSent: number;
  unknownTid: number;
}

export interface NativeTftpPump {
  tftpPumpStart(
    bindAddress: string, clientAddress: string, clientPort: number,
    params: [blksize: number, windowsize: number, timeoutMs: number, maxTimeoutMs: number, maxRetries: number],
    content: Buffer, oack: Buffer | null,
    onOther: (bytes: Buffer) => void,
    onDone: (outcome: TransferOutcome, reason: string | null, bytesAcked: number, retransmits: number, bytesSent: number, unknownTid: number) => void,
  ): { handle: unknown; port: number };
  tftpPumpEnd(handle: unknown, outcome: TransferOutcome, reason: string, errorPacket: Buffer | null): void;
  tftpPumpState(handle: unknown): PumpState;
}

/** Loads the addon, or throws an Error that says how to build it. */
export const loadNativeTftpPump = (path: string = TFTP_PUMP_ADDON_PATH): NativeTftpPump => loadAddon(path, 'TFTP pump');

/** The addon, or undefined when it is not built (the listener then serves every transfer in JavaScript). */
export const tryLoadNativeTftpPump = (path: string = TFTP_PUMP_ADDON_PATH): NativeTftpPump | undefined => tryLoadAddon(path, 'TFTP pump');

/** The largest window the pump takes (MAX_WINDOW in the C file; the listener's default cap is 64). */
const MAX_PUMP_WINDOW = 1024;

/**
 * Whether the pump can serve this transfer: a client address without a scope id (fe80::1%eth0 stays in JavaScript)
 * and a window it takes.
 */
export const pumpable = (address: string, windowsize: number): boolean => !address.includes('%') && windowsize <= MAX_PUMP_WINDOW;

export interface PumpedResult extends TransferResult {
  /** Bytes of every datagram sent to the client (DATA, OACK, ERROR). */
  bytesSent: number;
  /** Packets from other address/ports, answered with ERROR 5. */
  unknownTid: number;
  /** Packets from the client that did not decode: dropped. */
  malformed: number;
}

export interface PumpedTransfer {
  /** The transfer's own port (the server's TID). */
  readonly port: number;
  readonly done: Promise<PumpedResult>;
  /** Ends the transfer from outside (server shutdown): ERROR 0 to the client, 'failed' with where it stood. */
  cancel(reason: string): void;
  /** Live counters of a running transfer (for the server's stats). */
  live(): { bytesSent: number; unknownTid: number; malformed: number };
}

export interface PumpOptions {
  bindAddress: string;
  client: { address: string; port: number };
  content: Buffer;
  negotiated: Pick<Negotiated, 'blksize' | 'windowsize' | 'timeoutMs' | 'oack'>;
  /** Retransmissions of one window before giving up (default 5), and the back-off cap (default 8 s): as ReadTransfer. */
  maxRetries?: number;
  maxTimeoutMs?: number;
  /** A packet from the client that did not decode (already counted). */
  onMalformed?: (reason: string) => void;
}

/** Starts the transfer at once (OACK or the first window); throws when its socket cannot be bound. */
export function startPumpedTransfer(native: NativeTftpPump, o: PumpOptions): PumpedTransfer {
  const { blksize, windowsize, timeoutMs, oack } = o.negotiated;
  let malformed = 0;
  let resolve!: (r: PumpedResult) => void;
  const done = new Promise<PumpedResult>((r) => (resolve = r));
  const end = (outcome: TransferOutcome, reason: string, packet: Buffer | null) => native.tftpPumpEnd(started.handle, outcome, reason, packet);
  const onOther = (bytes: Buffer) => {
    let p;
    try {
      p = decodeTftpPacket(bytes);
    } catch (err) {
      if (!(err instanceof TftpDecodeError)) throw err;
      malformed++;
      o.onMalformed?.(err.reason);
      return;
    }
    // The same judgements as ReadTransfer.onPacket (a well-formed ACK never comes here: C took it).
    if (p.opcode === Opcode.ERROR) return end('aborted', `client sent ERROR ${p.code}: ${p.message.slice(0, 100)}`, null);
    const reason = `unexpected opcode ${p.opcode} during a read`;
    end('failed', reason, encodeError(ErrorCode.ILLEGAL_OPERATION, reason));
  };
  const started = native.tftpPumpStart(
    o.bindAddress, o.client.address, o.client.port,
    [blksize, windowsize, timeoutMs, Math.max(timeoutMs, o.maxTimeoutMs ?? 8000), o.maxRetries ?? 5],
    o.content, oack ? encodeOack(oack) : null, onOther,
    (outcome, reason, bytes, retransmits, bytesSent, unknownTid) => {
      resolve({ outcome, ...(reason !== null && { reason }), bytes, retransmits, bytesSent, unknownTid, malformed });
    },
  );
  return {
    port: started.port,
    done,
    cancel(reason) {
      const s = native.tftpPumpState(started.handle);
      const waiting = s.nextRetransmitMs >= 0 ? `next retransmission in ${Math.round(s.nextRetransmitMs)} ms` : 'NO TIMER ARMED';
      end('failed', `${reason} (${describeWhereabouts(s.acked, s.lastBlock, s.retries, s.sinceProgressMs, waiting)})`, encodeError(ErrorCode.NOT_DEFINED, reason));
    },
    live() {
      const s = native.tftpPumpState(started.handle);
      return { bytesSent: s.bytesSent, unknownTid: s.unknownTid, malformed };
    },
  };
}
