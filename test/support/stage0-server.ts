// Starts a real stage0 (real HTTP on a free loopback port) on a temporary SQLite file or a real PostgreSQL server.
// Authentication lives here, in one place: the server's first-start administrator logs in once, and `call` sends
// that token to the server it belongs to unless the test passes its own Authorization (or `anonymous`).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { validateConfig } from '../../src/config/load-config.ts';
import { startStage0 } from '../../src/main.ts';
import { INITIAL_ADMIN_FILE } from '../../src/auth/bootstrap-admin.ts';
import { fetchWithTrust } from '../../src/api/tls/tls-client.ts';
import { startPostgres } from './postgres.ts';

export type StoreKind = 'sqlite' | 'postgres';

export interface TestServer {
  url: string;
  /** The plain-HTTP boot listener's URL with its bound port, when one runs (configure port 0: no race for a port). */
  bootUrl?: string;
  dataDir: string;
  /** The first-start administrator's one-time password and an API token made with it. */
  adminPassword: string;
  adminToken: string;
  stop(): Promise<void>;
}

/** Admin tokens and TLS certificates of the running test servers of this process, by origin (for `call` and runCli). */
const servers = new Map<string, { token: string; ca: Buffer | undefined }>();

/** The admin token of the test server at `base` (undefined for other servers). */
export function testTokenFor(base: string | undefined): string | undefined {
  return base === undefined ? undefined : servers.get(new URL(base).origin)?.token;
}

/**
 * `seed` runs on the server's data directory before the server opens it: what must be in the database from the start
 * (a SQLite server keeps its leases in memory, so a lease written beside a running server is not seen).
 */
export async function startTestServer(kind: StoreKind, extra: Record<string, unknown> = {}, seed?: (dataDir: string) => Promise<void>): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 's0-api-'));
  const pg = kind === 'postgres' ? await startPostgres() : undefined;
  const config = validateConfig({ dataDir, api: { listen: '127.0.0.1', port: 0 }, store: pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite' }, ...extra });
  await seed?.(dataDir);
  const running = await startStage0(config, pino({ level: process.env.STAGE0_TEST_LOG ?? 'silent' }));
  const origin = new URL(running.url).origin;
  try {
    // With api.tls on, clients trust the server's self-signed certificate (as the CLI does on loopback).
    const ca = origin.startsWith('https:') ? await readFile(path.join(dataDir, 'tls', 'cert.pem')) : undefined;
    servers.set(origin, { token: '', ca });
    const adminPassword = (await readFile(path.join(dataDir, INITIAL_ADMIN_FILE), 'utf8')).trim();
    const login = await call(running.url, 'POST', '/api/v1/auth/login', { user: 'admin', password: adminPassword, tokenName: 'test support' }, { anonymous: 'true' });
    if (login.status !== 200) throw new Error(`test admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
    servers.set(origin, { token: login.body.token, ca });
    return {
      url: running.url,
      ...(running.bootUrl && { bootUrl: running.bootUrl }),
      dataDir,
      adminPassword,
      adminToken: login.body.token,
      async stop() {
        servers.delete(origin);
        await running.close();
        await pg?.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    servers.delete(origin);
    await running.close();
    await pg?.stop();
    throw err;
  }
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Small JSON HTTP client for tests. Sends the test server's admin token unless `headers` has an authorization,
 * a cookie, or `anonymous` (which is not sent).
 */
export async function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const { anonymous, ...rest } = headers;
  const own = Object.keys(rest).some((h) => /^(authorization|cookie)$/i.test(h));
  const token = anonymous || own ? undefined : testTokenFor(base);
  const ca = servers.get(new URL(base).origin)?.ca;
  const res = await fetchWithTrust(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }), ...rest },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  }, ca && { ca });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}
