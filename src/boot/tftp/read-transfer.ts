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
  private queue: Promise<void> = Promise.resolve();
  /** Absolute (not 16-bit) numbers: highest block acknowledged, highest sent, the final one. */
  private acked = 0;
  private sent = 0;
  private readonly lastBlock: number;
  private retries = 0;
  private retransmits = 0;
  private timeoutMs: number;
  private cancelTimer: (() => void) | undefined;
  private timerGeneration = 0;

  constructor(private readonly o: ReadTransferOptions) {
    this.done = new Promise((r) => (this.resolve = r));
    this.timeoutMs = o.negotiated.timeoutMs;
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

  /** Ends the transfer from outside (server shutdown). */
  cancel(reason: string): void {
    this.enqueue(() => this.fail(ErrorCode.NOT_DEFINED, reason));
  }

  /** Events run one at a time, in order, so an ACK never interleaves with a window being read. */
  private enqueue(step: () => void | Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.state === 'done' ? undefined : step()))
      .catch((err: unknown) => this.fail(ErrorCode.NOT_DEFINED, `read error: ${err instanceof Error ? err.message : String(err)}`));
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
  private async sendWindow(): Promise<void> {
    const { blksize, windowsize } = this.o.negotiated;
    const first = this.acked + 1;
    const last = Math.min(first + windowsize - 1, this.lastBlock);
    const offset = (first - 1) * blksize;
    const length = Math.max(0, Math.min(this.o.file.size - offset, (last - first + 1) * blksize));
    const chunk = length > 0 ? await this.o.file.read(offset, length) : Buffer.alloc(0);
    if (this.state === 'done') return;
    if (chunk.length < length) return this.fail(ErrorCode.NOT_DEFINED, 'file shrank during the transfer');
    for (let b = first; b <= last; b++) {
      const at = (b - first) * blksize;
      this.o.send(encodeData(b, chunk.subarray(at, at + blksize)));
    }
    this.sent = last;
    this.arm();
  }

  private arm(): void {
    this.cancelTimer?.();
    const generation = ++this.timerGeneration;
    this.cancelTimer = this.o.clock.setTimer(this.timeoutMs, () => this.enqueue(() => this.onTimeout(generation)));
  }

  private fail(code: number, reason: string): void {
    if (this.state === 'done') return;
    this.o.send(encodeError(code, reason));
    this.finish({ outcome: 'failed', reason });
  }

  private finish(r: { outcome: TransferOutcome; reason?: string }): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.cancelTimer?.();
    this.timerGeneration++;
    const bytes = Math.min(this.acked * this.o.negotiated.blksize, this.o.file.size);
    this.resolve({ ...r, bytes, retransmits: this.retransmits });
  }
}
