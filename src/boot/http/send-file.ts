// Sends a file with Range, HEAD, Last-Modified and large read chunks (boot images are big; chunk size sets throughput).
import { createReadStream } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseByteRange } from './byte-range.ts';

const CHUNK = 1024 * 1024;

export function sendFile(req: FastifyRequest, reply: FastifyReply, file: { file: string; size: number; mtime: Date }, contentType = 'application/octet-stream'): FastifyReply {
  reply.header('accept-ranges', 'bytes').header('last-modified', file.mtime.toUTCString()).type(contentType);
  const range = parseByteRange(req.headers.range, file.size);
  if (range.kind === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${file.size}`).send();
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, file.size - 1];
  if (range.kind === 'partial') reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
  reply.header('content-length', String(Math.max(0, end - start + 1)));
  if (req.method === 'HEAD' || file.size === 0) return reply.send();
  return reply.send(createReadStream(file.file, { start, end, highWaterMark: CHUNK }));
}
