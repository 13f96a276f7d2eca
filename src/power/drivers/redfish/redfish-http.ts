// Minimal HTTPS JSON client for Redfish: per-request TLS verification switch, abort signal, errors as PowerError.
import { request } from 'node:https';
import { PowerError } from '../../power-error.ts';

export interface RedfishResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}
export interface HttpTarget {
  host: string;
  port: number;
  /** false = verify the certificate (default); true = bmc.insecure opt-out. */
  insecure: boolean;
  /** Extra trusted CA certificates (PEM), e.g. a lab's self-signed BMC certificate. */
  ca?: string | Buffer;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);

function toPowerError(e: NodeJS.ErrnoException, where: string, signal: AbortSignal): PowerError {
  if (signal.aborted) return signal.reason instanceof PowerError ? signal.reason : new PowerError('timeout', `${where}: aborted`);
  if (e.code && TLS_CODES.has(e.code)) return new PowerError('tls', `${where}: TLS certificate not trusted (${e.code}); fix the certificate or set bmc.insecure=true`, { cause: e });
  if (e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENOTFOUND' || e.code === 'ENETUNREACH') return new PowerError('unreachable', `${where}: ${e.code}`, { cause: e });
  if (e.code === 'ECONNRESET' || e.code === 'EPROTO') return new PowerError('protocol', `${where}: ${e.code} ${e.message}`, { cause: e });
  return new PowerError('unreachable', `${where}: ${e.message}`, { cause: e });
}

/** One request; resolves with any HTTP status (callers decide), rejects on transport/TLS errors. */
export function redfishRequest(t: HttpTarget, method: string, path: string, opts: { signal: AbortSignal; headers?: Record<string, string>; body?: unknown }): Promise<RedfishResponse> {
  const where = `${method} https://${t.host}:${t.port}${path}`;
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: t.host, port: t.port, path, method, signal: opts.signal,
        rejectUnauthorized: !t.insecure,
        ...(t.ca ? { ca: t.ca } : {}),
        agent: false, // no pooled sockets kept alive between BMCs: one request, one connection
        headers: {
          Accept: 'application/json',
          'OData-Version': '4.0',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > 4 << 20) req.destroy(new Error('response larger than 4 MiB'));
          else chunks.push(c);
        });
        res.on('error', (e) => reject(toPowerError(e, where, opts.signal)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          if (text.trim()) {
            try {
              const parsed: unknown = JSON.parse(text);
              if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
            } catch {
              if ((res.statusCode ?? 500) < 300) return reject(new PowerError('protocol', `${where}: answer is not JSON`));
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', (e) => reject(toPowerError(e, where, opts.signal)));
    req.end(payload);
  });
}

/** A short reason from a Redfish error body (§9.5.13 error response: error.@Message.ExtendedInfo). */
export function redfishErrorText(r: RedfishResponse): string {
  const err = r.body.error as { message?: string; '@Message.ExtendedInfo'?: { Message?: string }[] } | undefined;
  const detail = err?.['@Message.ExtendedInfo']?.[0]?.Message ?? err?.message;
  return `HTTP ${r.status}${detail ? `: ${detail}` : ''}`;
}
