// One UDP socket to one BMC: send a datagram, retransmit on silence, resolve with the first answer a matcher accepts.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { PowerError } from '../../power-error.ts';

export interface RetryPolicy {
  /** Wait this long for an answer before sending again. */
  retryMs: number;
  /** Sends after the first one. */
  retries: number;
}

type Pending = { accept: (msg: Buffer) => unknown; resolve: (v: unknown) => void; reject: (e: Error) => void };

export class UdpExchange {
  private readonly socket: Socket;
  private pending: Pending | undefined;
  private failure: Error | undefined;
  private readonly onAbort = () => this.fail(this.signal.reason instanceof Error ? this.signal.reason : new PowerError('timeout', 'aborted'));

  private constructor(
    readonly address: string,
    readonly port: number,
    private readonly signal: AbortSignal,
  ) {
    this.socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    this.socket.on('message', (msg) => {
      const p = this.pending;
      if (!p) return; // late answer to a retransmission: ignore
      const v = p.accept(msg);
      if (v !== undefined) {
        this.pending = undefined;
        p.resolve(v);
      }
    });
    // A connected UDP socket reports ICMP port unreachable as ECONNREFUSED: no BMC listens there.
    this.socket.on('error', (e: NodeJS.ErrnoException) =>
      this.fail(e.code === 'ECONNREFUSED' ? new PowerError('unreachable', `connection refused by ${address}:${port} (no BMC listening)`) : new PowerError('unreachable', `${address}:${port}: ${e.message}`, { cause: e })),
    );
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** A socket connected to the BMC (so the kernel filters other senders and reports ICMP errors). */
  static async connect(address: string, port: number, signal: AbortSignal): Promise<UdpExchange> {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new PowerError('timeout', 'aborted');
    const x = new UdpExchange(address, port, signal);
    await new Promise<void>((resolve, reject) => {
      x.socket.once('error', reject);
      x.socket.connect(port, address, () => {
        x.socket.off('error', reject);
        resolve();
      });
    }).catch((e: Error) => {
      x.close();
      throw new PowerError('unreachable', `cannot reach ${address}:${port}: ${e.message}`, { cause: e });
    });
    return x;
  }

  /** Sends `packet` (again every retryMs) until `accept` returns a value; `what` names the step in timeout errors. */
  exchange<T>(packet: Buffer, accept: (msg: Buffer) => T | undefined, policy: RetryPolicy, what: string): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('UdpExchange: one request at a time'));
    return new Promise<T>((resolve, reject) => {
      let sends = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => clearTimeout(timer);
      const send = () => {
        if (sends > policy.retries) {
          this.pending = undefined;
          reject(new PowerError('timeout', `no answer from BMC ${this.address}:${this.port} to ${what} (${sends} tries, ${policy.retryMs} ms apart)`));
          return;
        }
        sends++;
        this.socket.send(packet, (e) => e && this.socket.emit('error', e));
        timer = setTimeout(send, policy.retryMs);
      };
      this.pending = {
        accept,
        resolve: (v) => (finish(), resolve(v as T)),
        reject: (e) => (finish(), reject(e)),
      };
      send();
    });
  }

  /** Sends once without waiting for an answer (e.g. a RAKP 3 that reports an error). */
  sendOnly(packet: Buffer): void {
    if (!this.failure) this.socket.send(packet, () => {});
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
    this.close();
  }

  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.failure ??= new PowerError('protocol', 'session closed');
    try {
      this.socket.close();
    } catch {
      /* already closed */
    }
  }
}
