// The boot listener's lean path for GET/HEAD /boot.ipxe: node:http straight to the answer function, no framework.
// The fastify path (routing, hooks, reply object, onSend) cost ~4x the work of the answer itself (bench/RESULTS.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { SECURITY_HEADERS } from '../../api/security-headers.ts';
import { toProblem } from '../../api/problem.ts';
import { BOOT_SCRIPT_PATH, type BootScriptRequest, type HttpAnswer } from './boot-script-answer.ts';

const PLAIN_MAC_QUERY = /^mac=[0-9A-Fa-f:-]{17}$/;

/** Answers the request and returns true, or returns false without touching it (the caller routes it as usual). */
export type RawRequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Takes only what the fastify path would answer with the same function: exactly `/boot.ipxe` (no trailing slash,
 * no percent-encoding), GET or HEAD, no body. Everything else (other methods → 404, GET with a body → the boot
 * gate's 400) goes on to fastify unchanged, so those answers stay what they were by construction.
 */
export function bootScriptFastPath(answer: (req: BootScriptRequest) => Promise<HttpAnswer>, onError: (err: unknown) => void): RawRequestHandler {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== BOOT_SCRIPT_PATH) return false;
    if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined) return false;
    const query = q === -1 ? '' : url.slice(q + 1);
    // What firmware sends (`mac=` and nothing else, nothing encoded) is taken as is; anything else is parsed like
    // fastify's parser does (a repeated key is an array, then not a MAC → 400).
    const mac = PLAIN_MAC_QUERY.test(query) ? query.slice(4) : q === -1 ? undefined : parse(query).mac;
    answer({ mac, ip: req.socket.remoteAddress ?? '' }).then(
      (a) => write(res, a),
      (err: unknown) => {
        const p = toProblem(err, url);
        if (p.status >= 500) onError(err);
        write(res, { status: p.status, headers: { 'content-type': 'application/problem+json; charset=utf-8' }, body: JSON.stringify(p) });
      },
    );
    return true;
  };
}

const SECURITY = Object.entries(SECURITY_HEADERS);

/** Headers in the order fastify writes them: the route's own, then the security headers (onSend), then the length. */
function write(res: ServerResponse, a: HttpAnswer): void {
  // A flat [name, value, …] list: node takes it as is (an object per answer cost megamorphic property work).
  const headers: string[] = [];
  for (const name in a.headers) headers.push(name, a.headers[name]!);
  for (const [name, value] of SECURITY) if (!(name in a.headers)) headers.push(name, value);
  headers.push('content-length', String(Buffer.byteLength(a.body)));
  res.writeHead(a.status, headers);
  // HEAD: node writes no body for a HEAD request whatever end() is given; Content-Length stays the GET's.
  res.end(a.body);
}
