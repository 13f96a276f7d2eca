// One HTTP GET as iPXE does it: a fresh connection from the client's own address, body counted (and kept when small).
import http from 'node:http';
import net from 'node:net';
import { canDrain, drainSocket } from './tcp-drain.ts';

export interface HttpGetResult {
  status: number;
  bytes: number;
  /** The body as text when keepBody (boot scripts). */
  body?: string;
}

export function httpGet(url: string, o: { localAddress?: string; keepBody?: boolean; timeoutMs?: number } = {}): Promise<HttpGetResult> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, localAddress: o.localAddress, timeout: o.timeoutMs ?? 60_000, headers: { 'user-agent': 'iPXE/1.21 (stage0-sim)' } }, (res) => {
      let bytes = 0;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (o.keepBody) parts.push(d);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ...(o.keepBody && { body: Buffer.concat(parts).toString('utf8') }) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no progress for ${o.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
  });
}

/**
 * Read buffer shared by every download of the process: `onread` hands each read to its callback synchronously, and
 * bodies are only counted, so one buffer serves a thousand sockets.
 */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(1024 * 1024);

/**
 * A GET whose body is counted, not kept (kernels, initrds): a raw socket read into one shared buffer, the status line
 * and headers parsed here. Through node:http the simulator spent ~70 % of its core in the HTTP client's parser and
 * streams for a storm's 38 GiB (bench/RESULTS.md, session 4): it lagged seconds behind its own DHCP timers, and its
 * clients' "timeouts" were its own lag. Needs Content-Length or a close-delimited body (what stage0 and nginx send
 * for files); a chunked body is refused with a clear error.
 */
/** Bodies at least this long (and with a Content-Length) are discarded in the kernel when the addon is built. */
const DRAIN_FROM_BYTES = 256 * 1024;
const DRAIN_PIECE_BYTES = 4 * 1024 * 1024;

export function httpDownload(url: string, o: { localAddress?: string; timeoutMs?: number; /** false: count through Node even when the native drain is there */ drain?: boolean } = {}): Promise<HttpGetResult> {
  const u = new URL(url);
  if (u.protocol !== 'http:') return Promise.reject(new Error(`httpDownload: ${u.protocol} is not supported (http only)`));
  const timeoutMs = o.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    let head: Buffer | undefined = Buffer.alloc(0);
    let status = 0;
    let length: number | undefined;
    let bytes = 0;
    let settled = false;
    let cancelDrain: (() => void) | undefined;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      cancelDrain?.(); // before the socket closes: the drain polls a duplicate of its fd
      sock.destroy();
      if (err) reject(err);
      else resolve({ status, bytes });
    };
    const body = (n: number) => {
      bytes += n;
      if (length !== undefined && bytes >= length) {
        if (bytes > length) return finish(new Error(`${url}: ${bytes} body bytes, Content-Length said ${length}`));
        finish();
      }
    };
    const sock = net.connect({
      host: u.hostname, port: Number(u.port || 80), ...(o.localAddress && { localAddress: o.localAddress }),
      onread: {
        buffer: SHARED_READ_BUFFER,
        callback: (n, buf) => {
          if (settled) return false;
          if (head === undefined) {
            body(n);
            return true;
          }
          head = Buffer.concat([head, buf.subarray(0, n)]);
          const end = head.indexOf('\r\n\r\n');
          if (end === -1) {
            if (head.length > 64 * 1024) finish(new Error(`${url}: response headers longer than 64 KiB`));
            return true;
          }
          const lines = head.subarray(0, end).toString('latin1').split('\r\n');
          const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
          if (!m) {
            finish(new Error(`${url}: not an HTTP/1.x response: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`));
            return false;
          }
          status = Number(m[1]);
          for (const line of lines.slice(1)) {
            const [name = '', ...rest] = line.split(':');
            const value = rest.join(':').trim();
            if (/^content-length$/i.test(name)) length = Number(value);
            if (/^transfer-encoding$/i.test(name) && /chunked/i.test(value)) {
              finish(new Error(`${url}: chunked body (the download path counts Content-Length bodies)`));
              return false;
            }
          }
          const already = head.length - (end + 4);
          head = undefined;
          if (length === 0) finish();
          else if (already > 0) body(already);
          if (settled || length === undefined || length - bytes < DRAIN_FROM_BYTES || o.drain === false || !canDrain()) return true;
          // The rest of the body is discarded in the kernel; Node stops reading this socket (returning false pauses it).
          // In pieces, each one re-arming the no-progress timeout, which Node's own reads did before.
          const total = length;
          const drainRest = () => {
            cancelDrain = drainSocket(sock, Math.min(total - bytes, DRAIN_PIECE_BYTES), (code, received) => {
              cancelDrain = undefined;
              bytes += received;
              if (code === 'ECANCELED') return;
              if (code === 'ESHORT') return finish(new Error(`${url}: connection closed after ${bytes} of ${total} bytes`));
              if (code !== null) return finish(new Error(`${url}: ${code} after ${bytes} of ${total} bytes`));
              if (bytes >= total) return finish();
              sock.setTimeout(timeoutMs);
              drainRest();
            });
          };
          drainRest();
          return false;
        },
      },
    });
    sock.setTimeout(timeoutMs, () => finish(new Error(`no progress for ${timeoutMs} ms`)));
    sock.on('connect', () => sock.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: iPXE/1.21 (stage0-sim)\r\nConnection: close\r\n\r\n`));
    sock.on('end', () => {
      if (head !== undefined) finish(new Error(`${url}: connection closed before the response headers`));
      else if (length !== undefined && bytes < length) finish(new Error(`${url}: connection closed after ${bytes} of ${length} bytes`));
      else finish();
    });
    sock.on('error', (e) => finish(e));
  });
}

/** `kernel URL …` and `initrd URL …` lines of an iPXE script, in order (what the client fetches next). */
export function ipxeScriptFetches(script: string): Array<{ kind: 'kernel' | 'initrd'; url: string }> {
  const out: Array<{ kind: 'kernel' | 'initrd'; url: string }> = [];
  for (const line of script.split('\n')) {
    const m = /^\s*(kernel|initrd|chain)\s+(?:--\S+\s+)*(https?:\/\/\S+)/.exec(line);
    if (m) out.push({ kind: m[1] === 'initrd' ? 'initrd' : 'kernel', url: m[2]! });
  }
  return out;
}
