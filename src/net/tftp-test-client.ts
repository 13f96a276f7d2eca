// A minimal TFTP read client for the listener tests (the interop tests use the real Debian clients):
// it can ask options, stop after the OACK like OVMF's size probe, and send raw packets.
import { createSocket } from 'node:dgram';
import { encodeAck } from '../codec/tftp/ack-packet.ts';
import { encodeError } from '../codec/tftp/error-packet.ts';
import { encodeRequest } from '../codec/tftp/request-packet.ts';
import { Opcode } from '../codec/tftp/tftp-constants.ts';
import { decodeTftpPacket } from '../codec/tftp/tftp-packet.ts';

export interface TestGetResult {
  data: Buffer;
  oack?: ReadonlyMap<string, string>;
  error?: { code: number; message: string };
  serverPort?: number;
}

export function tftpTestGet(
  port: number,
  filename: string,
  o: { options?: [string, string][]; abortAfterOack?: boolean; write?: boolean; timeoutMs?: number; host?: string } = {},
): Promise<TestGetResult> {
  const host = o.host ?? '127.0.0.1';
  const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise<TestGetResult>((resolve, reject) => {
    const parts: Buffer[] = [];
    let expected = 1;
    let blksize = 512;
    let windowsize = 1;
    let serverPort: number | undefined;
    let oack: ReadonlyMap<string, string> | undefined;
    const timer = setTimeout(() => reject(new Error(`test client: no answer for ${filename} within ${o.timeoutMs ?? 5000} ms`)), o.timeoutMs ?? 5000);
    const finish = (r: Omit<TestGetResult, 'data' | 'serverPort'>) => {
      clearTimeout(timer);
      resolve({ ...r, data: Buffer.concat(parts), serverPort });
    };
    const reply = (b: Buffer) => sock.send(b, serverPort, host);
    sock.on('message', (msg, from) => {
      serverPort ??= from.port;
      if (from.port !== serverPort) return;
      const p = decodeTftpPacket(msg);
      if (p.opcode === Opcode.ERROR) return finish({ oack, error: { code: p.code, message: p.message } });
      if (p.opcode === Opcode.OACK) {
        oack = p.options;
        blksize = Number(p.options.get('blksize') ?? 512);
        windowsize = Number(p.options.get('windowsize') ?? 1);
        if (o.abortAfterOack) {
          reply(encodeError(8, 'size probe only'));
          return finish({ oack });
        }
        return reply(encodeAck(0));
      }
      if (p.opcode !== Opcode.DATA) return;
      if (p.block !== (expected & 0xffff)) return reply(encodeAck((expected - 1) & 0xffff));
      parts.push(Buffer.from(p.data));
      const last = p.data.length < blksize;
      if (last || expected % windowsize === 0) reply(encodeAck(expected));
      expected++;
      if (last) finish({ oack });
    });
    sock.bind(0, host, () =>
      sock.send(
        encodeRequest({ opcode: o.write ? Opcode.WRQ : Opcode.RRQ, filename, mode: 'octet', options: new Map(o.options ?? []) }),
        port,
        host,
      ),
    );
  }).finally(() => sock.close());
}
