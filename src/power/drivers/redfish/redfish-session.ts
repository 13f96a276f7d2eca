// A Redfish login: session (POST SessionService/Sessions -> X-Auth-Token, DELETE on logout) or HTTP Basic fallback.
import type { BmcTarget } from '../../capabilities.ts';
import { PowerError } from '../../power-error.ts';
import { redfishErrorText, redfishRequest, type HttpTarget, type RedfishResponse } from './redfish-http.ts';

export const REDFISH_DEFAULT_PORT = 443;
const SESSIONS = '/redfish/v1/SessionService/Sessions';

export class RedfishSession {
  private constructor(
    private readonly http: HttpTarget,
    private readonly signal: AbortSignal,
    private readonly auth: Record<string, string>,
    private readonly sessionUri: string | undefined,
    /** 'session' or 'basic': which login the BMC accepted (for tests and logs). */
    readonly mode: 'session' | 'basic',
  ) {}

  /** Logs in with a session; falls back to Basic when the BMC has no session service (404/405/501). */
  static async login(t: BmcTarget, opts: { signal: AbortSignal; ca?: string | Buffer }): Promise<RedfishSession> {
    const http: HttpTarget = { host: t.address, port: t.port ?? REDFISH_DEFAULT_PORT, insecure: t.insecure === true, ...(opts.ca ? { ca: opts.ca } : {}) };
    const r = await redfishRequest(http, 'POST', SESSIONS, { signal: opts.signal, body: { UserName: t.username, Password: t.password } });
    if (r.status === 401 || r.status === 403) throw new PowerError('auth', `authentication failed (${redfishErrorText(r)})`);
    const token = r.headers['x-auth-token'];
    if (r.status >= 200 && r.status < 300 && typeof token === 'string') {
      const loc = r.headers.location;
      const uri = typeof loc === 'string' ? new URL(loc, 'https://bmc').pathname : undefined;
      return new RedfishSession(http, opts.signal, { 'X-Auth-Token': token }, uri, 'session');
    }
    if (r.status === 404 || r.status === 405 || r.status === 501) {
      const basic = { Authorization: `Basic ${Buffer.from(`${t.username}:${t.password}`).toString('base64')}` };
      return new RedfishSession(http, opts.signal, basic, undefined, 'basic');
    }
    throw new PowerError('bmc-error', `session login: ${redfishErrorText(r)}`);
  }

  /** An authenticated request; 401 means the credentials (Basic) or session were refused. */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RedfishResponse> {
    const r = await redfishRequest(this.http, method, path, { signal: this.signal, headers: { ...this.auth, ...headers }, body });
    if (r.status === 401) throw new PowerError('auth', `authentication failed (${method} ${path}: ${redfishErrorText(r)})`);
    return r;
  }

  /** GET that must succeed with a JSON object. */
  async get(path: string): Promise<RedfishResponse> {
    const r = await this.call('GET', path);
    if (r.status !== 200) throw new PowerError('bmc-error', `GET ${path}: ${redfishErrorText(r)}`);
    return r;
  }

  /** DELETE the session (best effort, bounded by the caller's signal). */
  async logout(): Promise<void> {
    if (!this.sessionUri || this.signal.aborted) return;
    await this.call('DELETE', this.sessionUri).catch(() => {});
  }
}
