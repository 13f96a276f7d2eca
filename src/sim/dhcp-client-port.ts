// One UDP socket on the DHCP client port shared by every simulated client: replies are told apart by xid
// (RFC 2131 §4.1: the client picks the xid and the server copies it), so N clients need one socket, not N.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { decodeDhcp, type DhcpPacket } from '../codec/dhcp/index.ts';

export interface DhcpClientPortOptions {
  /** 68 for real servers; tests may move it. */
  port?: number;
  /** Where requests go: 255.255.255.255 (broadcast on the link) or a server/relay address. */
  serverAddress?: string;
  serverPort?: number;
  /** Local address to bind (default 0.0.0.0: the client has no address yet). */
  bindAddress?: string;
}

export class DhcpClientPort {
  readonly #waiting = new Map<number, (p: DhcpPacket) => void>();
  #socket: dgram.Socket | undefined;
  /** Replies whose xid nobody waits for (late duplicates, other servers' answers after the first). */
  unmatched = 0;
  malformed = 0;

  constructor(readonly opts: DhcpClientPortOptions = {}) {}

  async open(): Promise<void> {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.bind({ port: this.opts.port ?? 68, address: this.opts.bindAddress ?? '0.0.0.0' });
    await once(s, 'listening');
    s.setBroadcast(true);
    s.setRecvBufferSize(4 * 1024 * 1024); // a storm's replies arrive in bursts
    s.on('message', (msg) => {
      let p: DhcpPacket;
      try {
        p = decodeDhcp(msg);
      } catch {
        this.malformed++;
        return;
      }
      if (p.op !== 2) return; // our own broadcast requests come back to us on a shared link
      const w = this.#waiting.get(p.xid);
      if (w) w(p);
      else this.unmatched++;
    });
    this.#socket = s;
  }

  /** Sends `bytes` and resolves with the first reply for `xid` that `accept` takes, or undefined after `timeoutMs`. */
  exchange(bytes: Buffer, xid: number, timeoutMs: number, accept: (p: DhcpPacket) => boolean): Promise<DhcpPacket | undefined> {
    const s = this.#socket;
    if (!s) throw new Error('DhcpClientPort.open() first');
    return new Promise((resolve) => {
      let finished = false;
      const done = (p: DhcpPacket | undefined) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (this.#waiting.get(xid) === onReply) this.#waiting.delete(xid);
        resolve(p);
      };
      const onReply = (p: DhcpPacket) => {
        if (accept(p)) done(p);
      };
      // libuv runs timers before it reads sockets: after a late loop turn (one process plays a thousand clients),
      // read what has arrived before calling it a timeout — a real client does not fall behind its own socket.
      const timer = setTimeout(() => setImmediate(() => done(undefined)), timeoutMs);
      this.#waiting.set(xid, onReply);
      s.send(bytes, this.opts.serverPort ?? 67, this.opts.serverAddress ?? '255.255.255.255');
    });
  }

  async close(): Promise<void> {
    const s = this.#socket;
    this.#socket = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
