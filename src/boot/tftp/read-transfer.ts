// One read transfer as a state machine, independent of sockets: packets in through receive(),
// packets out through send(), time through a TftpClock. RFC 1350 §6 (lock-step), RFC 2347 (OACK
// then ACK 0), RFC 7440 (windows of blocks, one ACK per window).
import { encodeData } from '../../codec/tftp/data-packet.ts';
import { encodeError } from '../../codec/tftp/error-packet.ts';
import { encodeOack } from '../../codec/tftp/oack-packet.ts';
import { ErrorCode, Opcode } from '../../codec/tftp/tftp-constants.ts';
import type { TftpPacket } from '../../codec/tftp/tftp-packet.ts';
import type { TftpClock } from './tftp-clock.ts';
import type { TftpFile } from './tftp-file-source.ts';
import type { Negotiated } from './tftp-option-negotiation.ts';

export interface ReadTransferOptions {
  file: TftpFile;
  negotiated: Pick<Negotiated, 'blksize' | 'windowsize' | 'timeoutMs' | 'oack'>;
  send(packet: Buffer): void;
  clock: TftpClock;
  /** Retransmissions of one window before giving up (default 5). */
  maxRetries?: number;
  /** Cap of the doubling retransmission timeout (default 8 s). */
  maxTimeoutMs?: number;
}

export type TransferOutcome = 'complete' | 'aborted' | 'failed';

export interface TransferResult {
  outcome: TransferOutcome;
  reason?: string;
  /** Bytes the client has acknowledged. */
  bytes: number;
  retransmits: number;
}

export class ReadTransfer {
  /** Settles once, when the transfer completes, is aborted by the client, or fails. */
  readonly done: Promise<TransferResult>;
  private resolve!: (r: TransferResult) => void;
  private state: 'new' | 'oack' | 'data' | 'done' = 'new';
  /** Events waiting while a step awaits a file read; `busy` while one runs. */
  private readonly steps: Array<() => void | Promise<void>> = [];
  private busy = false;
  /** Absolute (not 16-bit) numbers: highest block acknowledged, highest sent, the final one. */
  private acked = 0;
  private sent = 0;
  private readonly lastBlock: number;
  private retries = 0;
  private retransmits = 0;
  private timeoutMs: number;
  private cancelTimer: (() => void) | undefined;
  private timerGeneration = 0;
  /** When the current window times out, and when the one armed timer fires (it is moved, not re-created, per window). */
  private deadline = 0;
  private firesAt = 0;
  /** When the client last made progress (or the transfer started): for the shutdown diagnosis. */
  private progressAt: number;

  constructor(private readonly o: ReadTransferOptions) {
    this.done = new Promise((r) => (this.resolve = r));
    this.timeoutMs = o.negotiated.timeoutMs;
    this.progressAt = o.clock.now();
    // RFC 1350 §6: a block shorter than blksize ends the transfer, so a file whose size is an exact
    // multiple of blksize (including 0) ends with an empty block.
    this.lastBlock = Math.floor(o.file.size / o.negotiated.blksize) + 1;
  }

  start(): void {
    this.enqueue(() => {
      if (this.o.negotiated.oack) {
        this.state = 'oack';
        return this.sendOack();
      }
      this.state = 'data';
      return this.sendWindow();
    });
  }

  receive(packet: TftpPacket): void {
    this.enqueue(() => this.onPacket(packet));
  }

  /**
   * Ends the transfer from outside (server shutdown). The logged reason says where it stood, so a transfer
   * still retrying within its budget is told apart from a stuck one (no timer armed, no read pending).
   */
  cancel(reason: string): void {
    const detail = this.whereabouts(); // now, from outside: `busy` can only mean a read in progress
    this.enqueue(() => this.fail(ErrorCode.NOT_DEFINED, reason, detail));
  }

  private whereabouts(): string {
    const now = this.o.clock.now();
    const waiting = this.busy ? 'a read pending' : this.cancelTimer ? `next retransmission in ${Math.round(Math.max(0, this.deadline - now))} ms` : 'NO TIMER ARMED';
    return describeWhereabouts(this.acked, this.lastBlock, this.retries, now - this.progressAt, waiting);
  }

  /**
   * Events run one at a time, in order, so an ACK never interleaves with a window being read. A step that
   * completes synchronously (file in memory) runs at once: no promise hop per ACK on the lock-step path.
   */
  private enqueue(step: () => void | Promise<void>): void {
    this.steps.push(step);
    if (!this.busy) this.drain();
  }

  private drain(): void {
    this.busy = true;
    try {
      for (let step = this.steps.shift(); step; step = this.steps.shift()) {
        if (this.state === 'done') continue;
        let r: void | Promise<void>;
        try {
          r = step();
        } catch (err) {
          this.readFailed(err);
          continue;
        }
        if (r instanceof Promise) {
          void r.catch((err: unknown) => this.readFailed(err)).then(() => this.drain());
          return; // still busy: later events wait for this one
        }
      }
      this.busy = false;
    } catch (err) {
      this.busy = false; // never leave later events (timer, cancel) queued behind a step that threw
      throw err;
    }
  }

  private readFailed(err: unknown): void {
    this.fail(ErrorCode.NOT_DEFINED, `read error: ${err instanceof Error ? err.message : String(err)}`);
  }

  private onPacket(p: TftpPacket): void | Promise<void> {
    if (p.opcode === Opcode.ERROR) {
      // The client stopped, e.g. OVMF's ERROR 8 after it learnt the size from the OACK: not our failure.
      return this.finish({ outcome: 'aborted', reason: `client sent ERROR ${p.code}: ${p.message.slice(0, 100)}` });
    }
    if (p.opcode !== Opcode.ACK) return this.fail(ErrorCode.ILLEGAL_OPERATION, `unexpected opcode ${p.opcode} during a read`);
    if (this.state === 'oack') {
      if (p.block !== 0) return; // stale or bogus: the OACK timer still runs
      this.state = 'data';
      this.progress();
      return this.sendWindow();
    }
    // Map the 16-bit number onto the blocks in flight (acked+1 .. sent); anything else is a
    // duplicate or stale ACK and is ignored, which is what prevents Sorcerer's Apprentice syndrome.
    const block = this.acked + 1 + ((p.block - (this.acked + 1)) & 0xffff);
    if (block > this.sent) return;
    this.acked = block;
    this.progress();
    if (block === this.lastBlock) return this.finish({ outcome: 'complete' });
    // RFC 7440 §4: an ACK for a block before the window's last means the rest was lost: resend after it.
    return this.sendWindow();
  }

  private progress(): void {
    this.progressAt = this.o.clock.now();
    this.retries = 0;
    this.timeoutMs = this.o.negotiated.timeoutMs;
  }

  private onTimeout(generation: number): void | Promise<void> {
    if (generation !== this.timerGeneration) return; // superseded by a newer window
    if (this.retries >= (this.o.maxRetries ?? 5)) {
      return this.fail(ErrorCode.NOT_DEFINED, `timed out after ${this.retries} retransmissions`);
    }
    this.retries++;
    this.retransmits++;
    this.timeoutMs = Math.min(this.timeoutMs * 2, this.o.maxTimeoutMs ?? 8000);
    return this.state === 'oack' ? this.sendOack() : this.sendWindow();
  }

  private sendOack(): void {
    this.o.send(encodeOack(this.o.negotiated.oack!));
    this.arm();
  }

  /** Sends blocks acked+1 .. acked+windowsize (fewer at the end of the file) and waits for an ACK. */
  private sendWindow(): void | Promise<void> {
    const { blksize, windowsize } = this.o.negotiated;
    const first = this.acked + 1;
    const last = Math.min(first + windowsize - 1, this.lastBlock);
    const offset = (first - 1) * blksize;
    const length = Math.max(0, Math.min(this.o.file.size - offset, (last - first + 1) * blksize));
    if (length === 0) return this.emitWindow(first, last, length, Buffer.alloc(0));
    const { file } = this.o;
    if (file.readSync) return this.emitWindow(first, last, length, file.readSync(offset, length));
    return file.read(offset, length).then((chunk) => this.emitWindow(first, last, length, chunk));
  }

  private emitWindow(first: number, last: number, length: number, chunk: Buffer): void {
    const { blksize } = this.o.negotiated;
    if (this.state === 'done') return;
    if (chunk.length < length) return this.fail(ErrorCode.NOT_DEFINED, 'file shrank during the transfer');
    for (let b = first; b <= last; b++) {
      const at = (b - first) * blksize;
      this.o.send(encodeData(b, chunk.subarray(at, at + blksize)));
    }
    this.sent = last;
    this.arm();
  }

  /** (Re)starts the wait for an ACK: one timer per transfer, moved lazily (setTimeout per packet showed in profiles). */
  private arm(): void {
    ++this.timerGeneration;
    this.deadline = this.o.clock.now() + this.timeoutMs;
    if (this.cancelTimer && this.firesAt <= this.deadline) return; // fires early, then waits the rest
    this.cancelTimer?.();
    this.schedule(this.timeoutMs);
  }

  private schedule(ms: number): void {
    this.firesAt = this.o.clock.now() + ms;
    this.cancelTimer = this.o.clock.setTimer(ms, () => {
      this.cancelTimer = undefined;
      const left = this.deadline - this.o.clock.now();
      if (left > 0) return this.schedule(left);
      const generation = this.timerGeneration;
      this.enqueue(() => this.onTimeout(generation));
    });
  }

  /** Sends ERROR `reason` to the client; `detail` goes only to the result (the log). */
  private fail(code: number, reason: string, detail?: string): void {
    if (this.state === 'done') return;
    this.o.send(encodeError(code, reason));
    this.finish({ outcome: 'failed', reason: detail ? `${reason} (${detail})` : reason });
  }

  private finish(r: { outcome: TransferOutcome; reason?: string }): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerGeneration++;
    const bytes = Math.min(this.acked * this.o.negotiated.blksize, this.o.file.size);
    this.resolve({ ...r, bytes, retransmits: this.retransmits });
  }
}

/** Where a transfer stood when it was ended from outside (the shutdown diagnosis); shared with the native pump. */
export function describeWhereabouts(acked: number, lastBlock: number, retries: number, sinceProgressMs: number, waiting: string): string {
  return `at block ${acked + 1} of ${lastBlock}, ${retries} retransmissions since the last ACK ${Math.round(sinceProgressMs)} ms ago, ${waiting}`;
}
