// Starts a real stage0 (real HTTP on a free loopback port) on a temporary SQLite file or a real PostgreSQL server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { validateConfig } from '../../src/config/load-config.ts';
import { startStage0 } from '../../src/main.ts';
import { startPostgres } from './postgres.ts';

export type StoreKind = 'sqlite' | 'postgres';

export interface TestServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(kind: StoreKind, extra: Record<string, unknown> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 's0-api-'));
  const pg = kind === 'postgres' ? await startPostgres() : undefined;
  const config = validateConfig({ dataDir, api: { listen: '127.0.0.1', port: 0 }, store: pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite' }, ...extra });
  const running = await startStage0(config, pino({ level: process.env.STAGE0_TEST_LOG ?? 'silent' }));
  return {
    url: running.url,
    dataDir,
    async stop() {
      await running.close();
      await pg?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Small JSON HTTP client for tests. */
export async function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}
