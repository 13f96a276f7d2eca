// A lock-step TFTP read client for loss tests, behaving like PXE firmware: it keeps the bytes, re-ACKs a
// repeated DATA (its ACK was lost), retransmits its last packet on its own timer and gives up after a
// number of silent timeouts. `vanishAfter` makes it go silent (socket closed) once it has ACKed that block,
// as a client that was powered off.
import { createSocket } from 'node:dgram';
import { encodeAck } from '../codec/tftp/ack-packet.ts';
import { encodeRequest } from '../codec/tftp/request-packet.ts';
import { Opcode } from '../codec/tftp/tftp-constants.ts';
import { decodeTftpPacket } from '../codec/tftp/tftp-packet.ts';

export interface RetryingGetResult {
  outcome: 'complete' | 'gave-up' | 'error' | 'vanished';
  data: Buffer;
  /** Block the client was waiting for when it stopped. */
  expected: number;
  retransmits: number;
}

export function tftpRetryingGet(
  port: number,
  filename: string,
  o: { blksize?: number; retransmitMs?: number; maxRetries?: number; vanishAfter?: number } = {},
): Promise<RetryingGetResult> {
  const sock = createSocket('udp4');
  const retransmitMs = o.retransmitMs ?? 300;
  const maxRetries = o.maxRetries ?? 20;
  return new Promise<RetryingGetResult>((resolve) => {
    const parts: Buffer[] = [];
    let blksize = 512;
    let expected = 1;
    let tid: number | undefined;
    let retries = 0;
    let retransmits = 0;
    let last: { packet: Buffer; port: number } = { packet: Buffer.alloc(0), port };
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: RetryingGetResult['outcome']) => {
      clearTimeout(timer);
      sock.close();
      resolve({ outcome, data: Buffer.concat(parts), expected, retransmits });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (retries >= maxRetries) return finish('gave-up');
        retries++;
        retransmits++;
        sock.send(last.packet, last.port, '127.0.0.1');
        arm();
      }, retransmitMs);
    };
    const send = (packet: Buffer, to: number) => {
      last = { packet, port: to };
      sock.send(packet, to, '127.0.0.1');
      arm();
    };
    sock.on('message', (msg, from) => {
      tid ??= from.port;
      if (from.port !== tid) return;
      const p = decodeTftpPacket(msg);
      if (p.opcode === Opcode.ERROR) return finish('error');
      if (p.opcode === Opcode.OACK) {
        if (expected !== 1) return;
        blksize = Number(p.options.get('blksize') ?? 512);
        retries = 0;
        return send(encodeAck(0), tid);
      }
      if (p.opcode !== Opcode.DATA) return;
      if (p.block !== (expected & 0xffff)) {
        // A repeat of the block last ACKed: that ACK was lost, say it again (as iPXE does).
        if (p.block === ((expected - 1) & 0xffff)) sock.send(encodeAck(p.block), tid, '127.0.0.1');
        return;
      }
      parts.push(Buffer.from(p.data));
      retries = 0;
      const ack = encodeAck(expected);
      if (p.data.length < blksize) {
        clearTimeout(timer);
        expected++;
        return sock.send(ack, tid, '127.0.0.1', () => finish('complete'));
      }
      if (o.vanishAfter === expected) {
        expected++;
        return sock.send(ack, tid, '127.0.0.1', () => finish('vanished'));
      }
      expected++;
      send(ack, tid);
    });
    const options = new Map(o.blksize ? [['blksize', String(o.blksize)]] : []);
    sock.bind(0, '127.0.0.1', () => send(encodeRequest({ opcode: Opcode.RRQ, filename, mode: 'octet', options }), port));
  });
}
