// How clients (the CLI, tests) trust stage0's certificate: a CA file, a pinned SHA-256 fingerprint, or the local self-signed one.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { isIP } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { isLoopback } from '../../net/tls-policy.ts';
import { tlsDir } from './api-tls.ts';

export interface TlsTrust {
  /** PEM certificate(s) to trust instead of the system CAs (the self-signed cert is its own CA). */
  ca?: Buffer;
  /** Pin: the server's certificate must have this SHA-256 fingerprint (AA:BB:..., as stage0 prints at start). */
  fingerprint256?: string;
}

/**
 * What to trust for `url`, most explicit first: STAGE0_TLS_CA_FILE, STAGE0_TLS_FINGERPRINT, then — for a loopback
 * URL only — the self-signed certificate in `<dataDir>/tls/cert.pem` (dataDir default ./data, as `stage0 serve`).
 * undefined: plain http, or nothing special (the system CAs verify a configured certificate).
 */
export function tlsTrustFor(url: string | URL, dataDir = './data', env: NodeJS.ProcessEnv = process.env): TlsTrust | undefined {
  const u = new URL(url);
  if (u.protocol !== 'https:') return undefined;
  if (env.STAGE0_TLS_CA_FILE) return { ca: readFileSync(env.STAGE0_TLS_CA_FILE) };
  if (env.STAGE0_TLS_FINGERPRINT) return { fingerprint256: normaliseFingerprint(env.STAGE0_TLS_FINGERPRINT) };
  const local = path.join(tlsDir(dataDir), 'cert.pem');
  if (isLoopback(u.hostname.replace(/^\[|\]$/g, '')) && existsSync(local)) return { ca: readFileSync(local) };
  return undefined;
}

/** Accepts `aa:bb:..`, `AABB..` and `sha256 Fingerprint=AA:..` (openssl x509 -fingerprint output). */
export function normaliseFingerprint(text: string): string {
  const hex = text.replace(/^.*=/, '').replace(/[^0-9a-f]/gi, '').toUpperCase();
  if (hex.length !== 64) throw new Error(`not a SHA-256 fingerprint: ${text}`);
  return hex.match(/../g)!.join(':');
}

/** The certificate a server presents, read without sending any request (for pinning). */
function peerCertificate(u: URL): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({ host, port: Number(u.port || 443), servername: isIP(host) ? undefined : host, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      if (!raw) reject(new Error(`${u.host} presented no certificate`));
      else resolve(raw);
    });
    socket.on('error', reject);
  });
}

const toPem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

/** What fetchWithTrust sends: like fetch's init; a web ReadableStream body is streamed (image uploads). */
export interface TrustedRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  /** fetch() wants this for stream bodies; passed through on the plain path. */
  duplex?: 'half';
}

/**
 * fetch() with a trust decision (Node's fetch cannot take a CA). Pinning first reads the certificate, compares its
 * fingerprint, then makes the real request trusting exactly that certificate: the request itself is verified,
 * names are not (the pin is stronger than a name). Returns a standard Response whose body streams (NDJSON progress).
 */
export async function fetchWithTrust(url: string | URL, init: TrustedRequestInit = {}, trust?: TlsTrust): Promise<Response> {
  const u = new URL(url);
  if (u.protocol !== 'https:' || trust === undefined) return fetch(u, init as RequestInit);
  let ca = trust.ca;
  let checkServerIdentity: typeof tls.checkServerIdentity | undefined;
  if (trust.fingerprint256) {
    const der = await peerCertificate(u).catch((err: Error) => {
      throw Object.assign(new TypeError('fetch failed'), { cause: err });
    });
    const got = new X509Certificate(der).fingerprint256;
    if (got !== trust.fingerprint256) throw Object.assign(new Error(`TLS certificate of ${u.host} has fingerprint ${got}, expected ${trust.fingerprint256}`), { code: 'ERR_TLS_PIN' });
    ca = Buffer.from(toPem(der));
    checkServerIdentity = () => undefined;
  }
  const method = init.method ?? 'GET';
  return new Promise((resolve, reject) => {
    // agent: false — a pooled socket is keyed without checkServerIdentity, so a pinned connection (names unchecked)
    // could otherwise be reused by a later CA-trusted request to the same address.
    const req = https.request(u, { method, headers: init.headers, ca, agent: false, ...(checkServerIdentity && { checkServerIdentity }) }, (res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
      const status = res.statusCode ?? 502;
      const noBody = status === 204 || status === 304 || method === 'HEAD';
      if (noBody) res.resume();
      resolve(new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers }));
    });
    req.on('error', (err) => reject(Object.assign(new TypeError('fetch failed'), { cause: err })));
    const body = init.body;
    if (body instanceof ReadableStream) Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>).on('error', (err) => req.destroy(err)).pipe(req);
    else req.end(body);
  });
}
