// The API as the browser calls it: same origin, the HttpOnly session cookie, and the CSRF token from login echoed
// on every change. Errors arrive as RFC 9457 problems and are thrown with the server's own words.
const CSRF_KEY = 'stage0.csrf';
export const API = '/api/v1';

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  deniedBy?: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(API + path, { method, headers, credentials: 'same-origin', ...(body !== undefined && { body: JSON.stringify(body) }) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!res.ok) throw problemOf(res, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A GET whose answer is text (a rendered template: what an installer gets), not JSON; problems still come as JSON. */
export async function apiText(path: string): Promise<{ text: string; headers: Headers }> {
  const res = await fetch(API + path, { credentials: 'same-origin', headers: { accept: 'text/plain, application/problem+json' } });
  const text = await res.text();
  if (!res.ok) throw problemOf(res, text);
  return { text, headers: res.headers };
}

function problemOf(res: Response, text: string): ApiError {
  let json: Problem | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return new ApiError(res.status, json ?? { status: res.status, detail: text.slice(0, 300) || res.statusText });
}

export async function login(user: string, password: string): Promise<void> {
  const r = await api<{ csrfToken: string }>('POST', '/auth/login', { user, password, session: true });
  sessionStorage.setItem(CSRF_KEY, r.csrfToken);
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/auth/logout');
  } finally {
    sessionStorage.removeItem(CSRF_KEY);
  }
}

/** Query string from the defined values only. */
export function qs(q: Record<string, string | number | boolean | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A message for the operator: the problem's detail, and each invalid field. */
export function describe(err: unknown): string {
  if (err instanceof ApiError) {
    // Field errors the detail does not already say (validation problems often repeat the one field in both).
    const fields = (err.problem.errors ?? []).filter((e) => !err.message.includes(e.message))
      .map((e) => (e.message.startsWith(`${e.field}:`) ? e.message : `${e.field}: ${e.message}`));
    return [`${err.status} ${err.message}`, ...fields].join(' — ');
  }
  return err instanceof Error ? err.message : String(err);
}
