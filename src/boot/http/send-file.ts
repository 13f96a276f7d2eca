// Sends a file with Range, HEAD and Last-Modified: kernel sendfile(2) on plain TCP when the addon is built, else big-chunk streams.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseByteRange } from './byte-range.ts';
import { sendFileRegion, tcpSocketFd, tryLoadNativeSendfile, type NativeSendfile } from '../../net/sendfile.ts';

const CHUNK = 1024 * 1024; // stream fallback: read size sets throughput for big boot images
const NATIVE = tryLoadNativeSendfile();

export interface SendFileOptions {
  /** The sendfile addon; null forces the stream path. Default: the built addon when present. */
  native?: NativeSendfile | null;
}

export async function sendFile(req: FastifyRequest, reply: FastifyReply, file: { file: string; size: number; mtime: Date }, contentType = 'application/octet-stream', opts: SendFileOptions = {}): Promise<FastifyReply> {
  reply.header('accept-ranges', 'bytes').header('last-modified', file.mtime.toUTCString()).type(contentType);
  const range = parseByteRange(req.headers.range, file.size);
  if (range.kind === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${file.size}`).send();
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, file.size - 1];
  if (range.kind === 'partial') reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
  const length = Math.max(0, end - start + 1);
  reply.header('content-length', String(length));
  if (req.method === 'HEAD' || length === 0) return reply.send();
  const native = opts.native === undefined ? NATIVE : opts.native;
  const socket = req.raw.socket;
  if (native && req.raw.httpVersionMajor === 1 && tcpSocketFd(socket) !== undefined) {
    let fh: FileHandle;
    try {
      fh = await open(file.file, 'r'); // before hijacking, so a vanished file still gets fastify's error reply
    } catch (err) {
      return reply.send(err);
    }
    reply.hijack();
    void sendWithKernel(reply, socket, native, fh, start, length).finally(() => fh.close().catch(() => {}));
    return reply;
  }
  return reply.send(createReadStream(file.file, { start, end, highWaterMark: CHUNK }));
}

/** Head through Node, body by the kernel, then res.end() so Node's HTTP (and keep-alive) sees a finished response. */
async function sendWithKernel(reply: FastifyReply, socket: Socket, native: NativeSendfile, fh: FileHandle, start: number, length: number): Promise<void> {
  const res = reply.raw;
  res.writeHead(reply.statusCode, reply.getHeaders() as Record<string, string>);
  res.flushHeaders();
  // The kernel must not overtake bytes Node still queues (the head); write callbacks run in order.
  if (socket.writableLength > 0) await new Promise<void>((resolve) => socket.write(Buffer.alloc(0), () => resolve()));
  if (socket.destroyed) return;
  const out = await sendFileRegion(native, socket, fh.fd, start, length);
  if (out.ok) {
    res.end(); // Content-Length is already on the wire and fully sent: Node writes no body bytes
    return;
  }
  if (!out.clientGone) reply.log.warn({ code: out.code, sent: out.sent, length }, 'sendfile failed mid-body; closing the connection');
  socket.destroy(); // a short body cannot be repaired: closing tells the client
}
