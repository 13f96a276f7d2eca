// UDP sockets for the DHCP service: one per interface (SO_BINDTODEVICE) on port 67, plus 4011 in proxy mode.
import type { DhcpService } from '../boot/dhcp/dhcp-service.ts';
import { loadNativeNet } from './bind-to-device.ts';
import { openDgramSocket, type DatagramSocket, type DatagramSocketOptions } from './datagram-socket.ts';
import { tryLoadUdpBatch, UdpBatchSocket, type NativeUdpBatch } from './udp-batch-socket.ts';

export interface DhcpListenerOptions {
  service: DhcpService;
  /**
   * Bind each socket to its interface (default true; needs CAP_NET_RAW and the native addon).
   * Only then do broadcasts leave through the right interface; false is for single-interface loopback tests.
   */
  bindToDevice?: boolean;
  /** Local address to bind (default 0.0.0.0: clients without an address send from 0.0.0.0 to 255.255.255.255). */
  bindAddress?: string;
  /** Most requests handled at once; beyond it they wait in a queue (default 256). */
  maxInFlight?: number;
  /**
   * Requests waiting for a handler, at most (default 16,384; beyond it dropped and counted as overload), and for how
   * long (default 2,000 ms; older ones are dropped as stale when their turn comes: the client has retried by then
   * or is about to, and an answer to a retransmitted request is already on its way). A rack powering on sends its
   * DISCOVERs in one burst: queued, they are answered in order within a second or two; dropped, each costs its
   * machine a 4 s PXE retry.
   */
  maxQueued?: number;
  maxQueueAgeMs?: number;
  /** How often expired leases are swept and reported, ms (default 60 000; 0 disables). */
  expireEveryMs?: number;
  /**
   * Kernel receive buffer asked for each socket (SO_RCVBUF), bytes (default 4 MiB). A boot storm sends a thousand
   * DISCOVERs in one burst; with Linux's default ~208 KiB most of them are dropped by the kernel before we see them
   * (RcvbufErrors), and each drop costs that client a 4 s PXE retry. The kernel caps it at net.core.rmem_max.
   */
  receiveBufferBytes?: number;
  /**
   * How datagrams are read and written: 'batch' through the native addon (recvmmsg/sendmmsg: one call into
   * JavaScript for every datagram waiting, one system call for a turn's replies), or 'dgram' (node:dgram, a callback
   * and a send request per datagram: 30–40 µs of CPU each). Default: 'batch' when the addon is built, else 'dgram'
   * with a warning.
   */
  sockets?: 'batch' | 'dgram';
  log?: { warn(obj: object, msg: string): void };
}

interface Bound {
  socket: DatagramSocket;
  interface: string;
  via: 'dhcp' | 'proxy';
}

interface Waiting {
  b: Bound;
  msg: Buffer;
  address: string;
  port: number;
  at: number;
}

const DEFAULT_RECEIVE_BUFFER = 4 * 1024 * 1024;

export class DhcpListener {
  readonly #opts: DhcpListenerOptions;
  #sockets: Bound[] = [];
  #inFlight = 0;
  /** FIFO of requests waiting for a handler: an array with a moving head (shift() is O(n)). */
  #queue: Waiting[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: DhcpListenerOptions) {
    this.#opts = opts;
  }

  /** Opens every socket (fails as a whole, closing what it opened) and starts the expiry sweep. */
  async start(): Promise<void> {
    const { service } = this.#opts;
    const { mode, interfaces } = service.config;
    if (mode === 'off') return;
    const toDevice = this.#opts.bindToDevice ?? true;
    if (!toDevice && interfaces.length > 1) throw new Error('DHCP on several interfaces needs bindToDevice (SO_BINDTODEVICE)');
    // Fails early, with the message that says how to build it, when an interface binding needs the addon.
    if (toDevice) loadNativeNet();
    const batch = this.#batchAddon();
    const vias: Array<['dhcp' | 'proxy', number]> = [['dhcp', service.ports.server]];
    if (mode === 'proxy') vias.push(['proxy', service.ports.proxy]);
    const want = this.#opts.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER;
    try {
      for (const itf of interfaces) {
        for (const [via, port] of vias) {
          const bound = { interface: itf.name, via } as Bound;
          const o: DatagramSocketOptions = {
            address: this.#opts.bindAddress ?? '0.0.0.0', port, ...(toDevice && { device: itf.name }), receiveBufferBytes: want,
            onMessage: (msg, address, fromPort) => this.#onMessage(bound, msg, address, fromPort),
            onError: (err) => this.#opts.log?.warn({ err, interface: itf.name }, 'DHCP socket error'),
          };
          try {
            bound.socket = batch ? UdpBatchSocket.open(batch, o) : await openDgramSocket(o);
          } catch (err) {
            throw new Error(`DHCP on ${itf.name} (${o.address}:${port}): ${(err as Error).message}`, { cause: err });
          }
          this.#sockets.push(bound);
          this.#checkReceiveBuffer(bound.socket, itf.name, want);
        }
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    const every = this.#opts.expireEveryMs ?? 60_000;
    await this.#sweep();
    if (every > 0) this.#timer = setInterval(() => void this.#sweep(), every).unref();
  }

  /** Receive buffer as granted by the kernel (Linux reports twice the size asked, for its own bookkeeping). */
  get receiveBufferBytes(): number[] {
    return this.#sockets.map((b) => b.socket.receiveBufferBytes);
  }

  /** Which way the sockets read and write ('batch' or 'dgram'), once started. */
  get socketKind(): 'batch' | 'dgram' | undefined {
    const s = this.#sockets[0]?.socket;
    return s === undefined ? undefined : s instanceof UdpBatchSocket ? 'batch' : 'dgram';
  }

  #batchAddon(): NativeUdpBatch | undefined {
    const asked = this.#opts.sockets;
    if (asked === 'dgram') return undefined;
    const addon = tryLoadUdpBatch();
    if (addon) return addon;
    if (asked === 'batch') throw new Error('DHCP sockets: the native UDP batch addon is not built (npm run postinstall: node-gyp rebuild --directory=native; needs make, gcc and Node headers)');
    this.#opts.log?.warn({}, 'DHCP uses node:dgram: the native UDP batch addon is not built (npm run postinstall), so each datagram costs several times more CPU');
    return undefined;
  }

  #checkReceiveBuffer(socket: DatagramSocket, itf: string, want: number): void {
    const got = socket.receiveBufferBytes;
    if (got < want) {
      this.#opts.log?.warn({ interface: itf, wantBytes: want, gotBytes: got },
        `DHCP socket receive buffer capped at ${got} bytes by net.core.rmem_max; a boot storm will lose DISCOVERs (sysctl -w net.core.rmem_max=${want})`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#queue = [];
    this.#head = 0;
    const all = this.#sockets;
    this.#sockets = [];
    await Promise.all(all.map(({ socket }) => socket.close()));
  }

  /** Local ports actually bound (for tests that bind port 0). */
  get boundPorts(): Array<{ interface: string; via: 'dhcp' | 'proxy'; port: number }> {
    return this.#sockets.map((b) => ({ interface: b.interface, via: b.via, port: b.socket.port }));
  }

  /** Requests waiting for a handler now. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  #onMessage(b: Bound, msg: Buffer, address: string, port: number): void {
    const { service } = this.#opts;
    if (this.#inFlight < (this.#opts.maxInFlight ?? 256)) {
      void this.#handle(b, msg, address, port);
      return;
    }
    if (this.queued >= (this.#opts.maxQueued ?? 16_384)) {
      service.counters.inc('received');
      service.counters.inc('dropped.overload');
      return;
    }
    this.#queue.push({ b, msg, address, port, at: performance.now() });
  }

  /** Starts the oldest waiting requests that still have a point, as handlers free up. */
  #next(): void {
    const maxAge = this.#opts.maxQueueAgeMs ?? 2000;
    while (this.#inFlight < (this.#opts.maxInFlight ?? 256) && this.#head < this.#queue.length) {
      const w = this.#queue[this.#head++]!;
      if (performance.now() - w.at > maxAge) {
        this.#opts.service.counters.inc('received');
        this.#opts.service.counters.inc('dropped.stale');
        continue;
      }
      void this.#handle(w.b, w.msg, w.address, w.port);
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  async #handle(b: Bound, msg: Buffer, address: string, port: number): Promise<void> {
    const { service } = this.#opts;
    this.#inFlight++;
    try {
      const out = await service.handle(msg, { interface: b.interface, via: b.via, source: { address, port } });
      // The reply leaves through the socket of the interface the request came in on.
      if (out) await new Promise<void>((resolve) => b.socket.send(out.bytes, out.port, out.address, (err) => {
        if (err) {
          service.counters.inc('send-errors');
          this.#opts.log?.warn({ err, to: out.address, interface: b.interface }, 'DHCP reply not sent');
        }
        resolve();
      }));
    } catch (err) {
      service.counters.inc('dropped.listener-error');
      this.#opts.log?.warn({ err }, 'DHCP request failed');
    } finally {
      this.#inFlight--;
      this.#next();
    }
  }

  async #sweep(): Promise<void> {
    try {
      await this.#opts.service.expireLeases();
    } catch (err) {
      this.#opts.log?.warn({ err }, 'DHCP lease expiry sweep failed');
    }
  }
}
