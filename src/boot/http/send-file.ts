// Sends a file with Range, HEAD and Last-Modified: kernel sendfile(2) on plain TCP when the addon is built, else big-chunk streams.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseByteRange } from './byte-range.ts';
import { SECURITY_HEADERS } from '../../api/security-headers.ts';
import { sendFileRegion, tcpSocketFd, tryLoadNativeSendfile, type NativeSendfile } from '../../net/sendfile.ts';

const CHUNK = 1024 * 1024; // stream fallback: read size sets throughput for big boot images
const NATIVE = tryLoadNativeSendfile();

export interface SendFileOptions {
  /** The sendfile addon; null forces the stream path. Default: the built addon when present. */
  native?: NativeSendfile | null;
}

/**
 * A file to send. With `shared` (opened by the path jail, shared with other requests) sendFile reads it by offset and
 * calls release() once when done; without it, sendFile opens `file` and closes it.
 */
export interface FileToSend {
  file: string;
  size: number;
  mtime: Date;
  shared?: { fh: FileHandle; release(): void };
}

export async function sendFile(req: FastifyRequest, reply: FastifyReply, file: FileToSend, contentType = 'application/octet-stream', opts: SendFileOptions = {}): Promise<FastifyReply> {
  let release = file.shared?.release; // called here unless handed on to the kernel path or to a stream
  try {
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
      let done: () => unknown;
      if (file.shared) {
        fh = file.shared.fh;
        done = file.shared.release;
      } else {
        try {
          fh = await open(file.file, 'r'); // before hijacking, so a vanished file still gets fastify's error reply
        } catch (err) {
          return reply.send(err);
        }
        const own = fh;
        done = () => own.close().catch(() => {});
      }
      release = undefined;
      reply.hijack();
      void sendWithKernel(reply, socket, native, fh, start, length).finally(done);
      return reply;
    }
    if (!file.shared) return reply.send(createReadStream(file.file, { start, end, highWaterMark: CHUNK }));
    // A stream over the shared descriptor: positioned reads, and it must not close what others still read.
    const stream = file.shared.fh.createReadStream({ start, end, highWaterMark: CHUNK, autoClose: false });
    const done = file.shared.release;
    release = undefined;
    stream.once('close', done);
    return reply.send(stream);
  } finally {
    release?.();
  }
}

/** Head through Node, body by the kernel, then res.end() so Node's HTTP (and keep-alive) sees a finished response. */
async function sendWithKernel(reply: FastifyReply, socket: Socket, native: NativeSendfile, fh: FileHandle, start: number, length: number): Promise<void> {
  const res = reply.raw;
  // The head waits in the kernel (TCP_CORK) for the body's first bytes, so both leave in full segments: without it the
  // head went out as a segment of its own, which cost a boot program's request a fifth of its time (bench/RESULTS.md,
  // session 11). Uncorked as soon as the body is handed over, or the last partial segment would wait 200 ms.
  const fd = tcpSocketFd(socket);
  const corked = fd !== undefined && setCork(native, fd, true);
  const uncork = () => {
    if (corked && tcpSocketFd(socket) === fd) setCork(native, fd, false); // still Node's socket: the fd is not reused
  };
  // A hijacked reply skips fastify's onSend, where every other answer gets the security headers: added here. Never
  // TLS on this path (tcpSocketFd refuses it), so never HSTS.
  const headers = reply.getHeaders() as Record<string, string>;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers[name] ??= value;
  res.writeHead(reply.statusCode, headers);
  res.flushHeaders();
  // The kernel must not overtake bytes Node still queues (the head); write callbacks run in order.
  if (socket.writableLength > 0) await new Promise<void>((resolve) => socket.write(Buffer.alloc(0), () => resolve()));
  if (socket.destroyed) return;
  const out = await sendFileRegion(native, socket, fh.fd, start, length);
  uncork();
  if (out.ok) {
    res.end(); // Content-Length is already on the wire and fully sent: Node writes no body bytes
    return;
  }
  if (!out.clientGone) reply.log.warn({ code: out.code, sent: out.sent, length }, 'sendfile failed mid-body; closing the connection');
  socket.destroy(); // a short body cannot be repaired: closing tells the client
}

/** TCP_CORK on or off; false when the socket refused it (the response is then sent uncorked, as before). */
function setCork(native: NativeSendfile, fd: number, on: boolean): boolean {
  try {
    native.tcpCork(fd, on);
    return true;
  } catch {
    return false;
  }
}
