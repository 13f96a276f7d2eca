// The CLI's only way to stage0: HTTP to the API. Problem+json answers become one-line CliErrors.
import os from 'node:os';

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
  constructor(readonly baseUrl: string) {}

  async request<T>(method: string, path: string, opts: { body?: unknown; query?: Record<string, string | number | boolean | undefined>; ifMatch?: string } = {}): Promise<ApiResponse<T>> {
    const url = new URL(`/api/v1${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', 'x-stage0-actor': safeUser() };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(`cannot reach stage0 at ${this.baseUrl} (${cause}); is it running? (stage0 serve, or set --url / STAGE0_URL)`, 3);
    }
    const text = await res.text();
    const body = text ? parseJson(text) : undefined;
    if (!res.ok) throw new CliError(problemLine(res.status, body), res.status === 404 ? 4 : res.status === 412 ? 5 : 2);
    return { status: res.status, body: body as T, etag: res.headers.get('etag') ?? undefined };
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

function safeUser(): string {
  try {
    return os.userInfo().username.replace(/[^\w.@-]/g, '_') || 'cli';
  } catch {
    return 'cli';
  }
}
