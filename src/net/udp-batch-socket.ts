// A UDP socket read and written in batches by the native addon (native/stage0-udp-batch.c): every datagram waiting in
// the socket reaches JavaScript in one call, and the replies sent during one turn of the loop leave in one sendmmsg.
// Why: node:dgram costs 30–40 µs of CPU per datagram (bench/RESULTS.md, session 10), most of a DHCP server's budget.
import { intToIp, ipToInt } from '../boot/dhcp/ipv4.ts';
import { addonPath, tryLoadAddon } from './native-addon.ts';
import type { DatagramSocket, DatagramSocketOptions } from './datagram-socket.ts';

export const UDP_BATCH_ADDON_PATH = addonPath('stage0_udp_batch');

type Handle = object;
export interface NativeUdpBatch {
  udpBatchOpen(address: string, port: number, device: string | null, receiveBufferBytes: number, perTurn: number,
    onBatch: (data: Buffer, meta: Uint32Array, count: number, truncated: number) => void): { handle: Handle; port: number; rcvbuf: number };
  udpBatchSend(handle: Handle, data: Buffer, meta: Uint32Array, count: number): null | { failed: number[]; error: string };
  udpBatchClose(handle: Handle, onClosed?: () => void): void;
}

/** The addon, or undefined when it is not built (then node:dgram serves). */
export const tryLoadUdpBatch = (path: string = UDP_BATCH_ADDON_PATH): NativeUdpBatch | undefined => tryLoadAddon(path, 'UDP batch');

/**
 * Datagrams read per turn of the loop. Their replies leave together after the turn's group commit, as one burst: 256
 * overflowed the 208 KiB default receive buffer of the relay in the bench (perfdhcp lost 1,200 of 15,000 replies at
 * 3,000 DORA/s), as it would a small relay agent's; 64 did not (bench/RESULTS.md, session 10).
 */
export const DEFAULT_PER_TURN = 64;

interface Outgoing {
  bytes: Uint8Array;
  port: number;
  address: string;
  done: (err?: Error) => void;
}

export class UdpBatchSocket implements DatagramSocket {
  readonly #native: NativeUdpBatch;
  readonly #handle: Handle;
  readonly port: number;
  readonly receiveBufferBytes: number;
  /** Datagrams too long for the addon's slots (4 KiB), dropped by it: DHCP never sends them. */
  truncated = 0;
  #out: Outgoing[] = [];
  #closed = false;

  private constructor(native: NativeUdpBatch, o: DatagramSocketOptions & { perTurn?: number }) {
    this.#native = native;
    const perTurn = o.perTurn ?? DEFAULT_PER_TURN;
    const opened = native.udpBatchOpen(o.address, o.port, o.device ?? null, o.receiveBufferBytes, perTurn, (data, meta, count, truncated) => {
      this.truncated += truncated;
      for (let i = 0; i < count; i++) {
        const at = meta[i * 4]!;
        o.onMessage(data.subarray(at, at + meta[i * 4 + 1]!), intToIp(meta[i * 4 + 2]!), meta[i * 4 + 3]!);
      }
    });
    this.#handle = opened.handle;
    this.port = opened.port;
    this.receiveBufferBytes = opened.rcvbuf;
  }

  /**
   * Opens the socket (throws with the system's reason: address in use, no CAP_NET_RAW for the device…). `perTurn`:
   * datagrams read per turn of the loop, at most (1–256).
   */
  static open(native: NativeUdpBatch, o: DatagramSocketOptions & { perTurn?: number }): UdpBatchSocket {
    return new UdpBatchSocket(native, o);
  }

  /**
   * Queued, and sent with every other datagram queued before this turn's microtasks run out (process.nextTick runs
   * after them): the replies of one group commit, resolved together, leave in one system call.
   */
  send(bytes: Uint8Array, port: number, address: string, done: (err?: Error) => void): void {
    if (this.#closed) {
      done(new Error('socket closed'));
      return;
    }
    if (this.#out.push({ bytes, port, address, done }) === 1) process.nextTick(() => this.#flush());
  }

  #flush(): void {
    const out = this.#out;
    this.#out = [];
    if (out.length === 0) return;
    if (this.#closed) {
      for (const o of out) o.done(new Error('socket closed'));
      return;
    }
    const good: Array<Outgoing & { to: number }> = [];
    let total = 0;
    for (const o of out) {
      try {
        good.push(Object.assign({}, o, { to: ipToInt(o.address, 'address') }));
        total += o.bytes.length;
      } catch (err) {
        o.done(err as Error);
      }
    }
    if (good.length === 0) return;
    const data = Buffer.allocUnsafe(total);
    const meta = new Uint32Array(good.length * 4);
    let at = 0;
    good.forEach((o, i) => {
      data.set(o.bytes, at);
      meta[i * 4] = at;
      meta[i * 4 + 1] = o.bytes.length;
      meta[i * 4 + 2] = o.to;
      meta[i * 4 + 3] = o.port;
      at += o.bytes.length;
    });
    let result: ReturnType<NativeUdpBatch['udpBatchSend']>;
    try {
      result = this.#native.udpBatchSend(this.#handle, data, meta, good.length);
    } catch (err) {
      for (const o of good) o.done(err as Error);
      return;
    }
    const failed = new Set(result?.failed);
    good.forEach((o, i) => o.done(failed.has(i) ? new Error(`send to ${o.address}:${o.port}: ${result!.error}`) : undefined));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    // Resolves once the fd is closed: the port can be bound again from then on.
    await new Promise<void>((resolve) => this.#native.udpBatchClose(this.#handle, resolve));
  }
}
