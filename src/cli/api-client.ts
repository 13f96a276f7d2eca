// The CLI's only way to stage0: HTTP to the API. Problem+json answers become one-line CliErrors.
import { tokenFor } from '../auth/cli-credentials.ts';
import { fetchWithTrust, tlsTrustFor } from '../api/tls/tls-client.ts';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  etag: string | undefined;
}

export class ApiClient {
  /** `token` defaults to STAGE0_TOKEN, else the login saved for baseUrl (stage0 login). */
  constructor(readonly baseUrl: string, readonly token: string | undefined = tokenFor(baseUrl)) {}

  async request<T>(method: string, path: string, opts: { body?: unknown; query?: Record<string, string | number | boolean | undefined>; ifMatch?: string } = {}): Promise<ApiResponse<T>> {
    return this.answer<T>(await this.send(method, path, opts));
  }

  private async answer<T>(res: Response): Promise<ApiResponse<T>> {
    const text = await res.text();
    const body = text ? parseJson(text) : undefined;
    if (!res.ok) throw new CliError(problemLine(res.status, body) + (res.status === 401 ? ' (stage0 login, or set STAGE0_TOKEN)' : ''), exitCodeOf(res.status));
    return { status: res.status, body: body as T, etag: res.headers.get('etag') ?? undefined };
  }

  /** A request whose body is a byte stream (image uploads: far bigger than the JSON bodies buffered above). */
  async upload<T>(method: string, path: string, data: { stream: ReadableStream<Uint8Array>; size: number; type: string }, query?: Record<string, string | number | boolean | undefined>): Promise<ApiResponse<T>> {
    return this.answer<T>(await this.send(method, path, { query, raw: data }));
  }

  /** A streamed answer (application/x-ndjson): one parsed JSON value per line, as the server sends them. */
  async *lines(method: string, path: string, body: unknown): AsyncGenerator<unknown> {
    const res = await this.send(method, path, { body, accept: 'application/x-ndjson' });
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw new CliError(problemLine(res.status, text ? parseJson(text) : undefined) + (res.status === 401 ? ' (stage0 login, or set STAGE0_TOKEN)' : ''), exitCodeOf(res.status));
    }
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) if (buf.slice(0, i).trim()) yield JSON.parse(buf.slice(0, i));
    }
    if (buf.trim()) yield JSON.parse(buf);
  }

  private async send(method: string, path: string, opts: { body?: unknown; raw?: { stream: ReadableStream<Uint8Array>; size: number; type: string }; query?: Record<string, string | number | boolean | undefined>; ifMatch?: string; accept?: string }): Promise<Response> {
    const url = new URL(`/api/v1${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
    if (opts.raw) Object.assign(headers, { 'content-type': opts.raw.type, 'content-length': String(opts.raw.size) });
    const body = opts.raw ? { body: opts.raw.stream, duplex: 'half' as const } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {};
    try {
      // https: trust what docs/tls.md says (STAGE0_TLS_CA_FILE, STAGE0_TLS_FINGERPRINT, or the local self-signed certificate).
      const trust = tlsTrustFor(url);
      return await fetchWithTrust(url, { method, headers, ...body }, trust);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(`cannot reach stage0 at ${this.baseUrl} (${cause}); is it running? (stage0 serve, or set --url / STAGE0_URL)`, 3);
    }
  }

  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>) {
    return this.request<T>('GET', path, { query }).then((r) => r.body);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function problemLine(status: number, body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const p = body as { detail: string; errors?: { field: string; message: string }[] };
    // One line: multi-line details (a caret under a noderange) stay in --json / the API response.
    return p.detail?.split('\n')[0] || `HTTP ${status}`;
  }
  return `HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
}

/** 3 unreachable, 4 not found, 5 stale, 6 not logged in, 7 forbidden, 2 anything else. */
function exitCodeOf(status: number): number {
  return ({ 401: 6, 403: 7, 404: 4, 412: 5 } as Record<number, number>)[status] ?? 2;
}
