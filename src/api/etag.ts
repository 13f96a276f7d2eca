// ETags are row versions; If-Match turns a stale write into 412 instead of a silent overwrite.
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from './problem.ts';

export const etagOf = (version: number): string => `"${version}"`;

/** The version the client last saw, from If-Match; undefined when absent or '*'. */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (!m) throw new HttpProblem(400, `If-Match must be an ETag this server gave out, like "3"; got ${header}`, { errors: [{ field: 'If-Match', message: 'malformed ETag' }] });
  return Number(m[1]);
}
