// A TFTP read as boot firmware does it (RFC 1350 §6 lock-step, RFC 2347/2348 OACK+blksize, optional RFC 7440
// window): counts bytes, keeps none. Retransmits its last packet on timeout with a doubling delay.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { encodeAck } from '../codec/tftp/ack-packet.ts';
import { encodeRequest } from '../codec/tftp/request-packet.ts';
import { Opcode } from '../codec/tftp/tftp-constants.ts';
import { decodeTftpPacket } from '../codec/tftp/tftp-packet.ts';

export interface TftpGetOptions {
  server: string;
  port?: number;
  /** Source address (the client's leased IP). */
  localAddress?: string;
  file: string;
  /** RFC 2348 blksize to ask for (PXE ROMs ask ~1456–1468); undefined: ask for none (512). */
  blksize?: number;
  /** RFC 7440 window to ask for; undefined or 1: lock-step. */
  windowsize?: number;
  /** First retransmission timeout (doubles up to 8×), and how many retransmissions of one packet before giving up. */
  timeoutMs?: number;
  maxRetries?: number;
}

export interface TftpGetResult {
  bytes: number;
  retries: number;
  blksize: number;
}

export class TftpClientError extends Error {
  constructor(message: string, readonly retries: number) {
    super(message);
    this.name = 'TftpClientError';
  }
}

export async function tftpGet(o: TftpGetOptions): Promise<TftpGetResult> {
  const s = dgram.createSocket('udp4');
  s.bind({ port: 0, address: o.localAddress ?? '0.0.0.0' });
  await once(s, 'listening');
  const options = new Map<string, string>();
  if (o.blksize !== undefined) options.set('blksize', String(o.blksize));
  if (o.windowsize !== undefined && o.windowsize > 1) options.set('windowsize', String(o.windowsize));
  options.set('tsize', '0');
  const rrq = encodeRequest({ opcode: Opcode.RRQ, filename: o.file, mode: 'octet', options });
  const baseTimeout = o.timeoutMs ?? 1000;
  const maxRetries = o.maxRetries ?? 6;
  return new Promise<TftpGetResult>((resolve, reject) => {
    let serverTid: number | undefined; // the server's port for this transfer (RFC 1350 §4)
    let blksize = 512;
    let windowsize = 1;
    let expected = 1; // next block, absolute
    let inWindow = 0;
    let bytes = 0;
    let retries = 0; // all retransmissions of the transfer, for the report
    let sinceProgress = 0; // of the current packet: what firmware counts to give up (PXE ROMs and iPXE alike)
    let armed = 0; // which arming of the timer is current
    let closed = false;
    let last: { bytes: Buffer; port: number } = { bytes: rrq, port: o.port ?? 69 };
    let timeout = baseTimeout;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err?: Error) => {
      closed = true;
      armed++;
      clearTimeout(timer);
      s.close();
      if (err) reject(err);
      else resolve({ bytes, retries, blksize });
    };
    const send = (bytes: Buffer, port: number) => {
      last = { bytes, port };
      s.send(bytes, port, o.server);
      arm();
    };
    const arm = () => {
      clearTimeout(timer);
      const mine = ++armed;
      // libuv runs timers before it reads sockets: after a late loop turn (a thousand clients in one process), read
      // what has arrived before deciding it was lost — a real client does not fall behind its own socket.
      timer = setTimeout(() => setImmediate(() => {
        if (mine !== armed || closed) return;
        if (sinceProgress >= maxRetries) return finish(new TftpClientError(`timed out at block ${expected} after ${sinceProgress} retransmissions`, retries));
        retries++;
        sinceProgress++;
        timeout = Math.min(timeout * 2, baseTimeout * 8);
        inWindow = 0;
        s.send(last.bytes, last.port, o.server);
        arm();
      }), timeout);
    };
    s.on('message', (msg, from) => {
      if (from.address !== o.server) return;
      if (serverTid === undefined) serverTid = from.port;
      else if (from.port !== serverTid) return; // another TID: not ours (RFC 1350 §4 would answer ERROR 5)
      let p;
      try {
        p = decodeTftpPacket(msg);
      } catch {
        return;
      }
      timeout = baseTimeout;
      if (p.opcode === Opcode.ERROR) return finish(new TftpClientError(`server ERROR ${p.code}: ${p.message}`, retries));
      if (p.opcode === Opcode.OACK) {
        if (expected !== 1) return;
        blksize = Number(p.options.get('blksize') ?? 512);
        windowsize = Number(p.options.get('windowsize') ?? 1);
        return send(encodeAck(0), serverTid);
      }
      if (p.opcode !== Opcode.DATA) return;
      if (p.block !== (expected & 0xffff)) {
        // Out of order inside a window: ACK what we have so the server resends after it (RFC 7440 §4).
        if (windowsize > 1 && inWindow > 0) {
          inWindow = 0;
          send(encodeAck((expected - 1) & 0xffff), serverTid);
        }
        // Lock-step: a repeat of the block we last ACKed means that ACK was lost; ACK it again, as iPXE does
        // (a receiver must; it is the sender that must not answer duplicate ACKs, RFC 1350 §6 / RFC 1123 §4.2.3.1).
        if (windowsize === 1 && p.block === ((expected - 1) & 0xffff) && expected > 1) s.send(encodeAck(p.block), serverTid, o.server);
        return;
      }
      bytes += p.data.length;
      expected++;
      sinceProgress = 0;
      inWindow++;
      const lastBlock = p.data.length < blksize;
      if (lastBlock || inWindow >= windowsize) {
        inWindow = 0;
        if (lastBlock) {
          armed++;
          clearTimeout(timer);
          // Close only once the final ACK has left: a close right after send() can drop it.
          return s.send(encodeAck(p.block), serverTid, o.server, () => finish());
        }
        s.send(encodeAck(p.block), serverTid, o.server);
        last = { bytes: encodeAck(p.block), port: serverTid };
      }
      arm();
    });
    send(rrq, o.port ?? 69);
  });
}
