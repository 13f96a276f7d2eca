// What every command needs: the API client built from --url / STAGE0_URL, and output helpers.
import type { Command } from 'commander';
import { ApiClient } from './api-client.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export function clientOf(cmd: Command): ApiClient {
  const opts = cmd.optsWithGlobals<{ url?: string }>();
  return new ApiClient(opts.url ?? process.env.STAGE0_URL ?? DEFAULT_URL);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  if (text) process.stdout.write(`${text}\n`);
}

/** Fetches every page of a paginated list. */
export async function fetchAll<T>(client: ApiClient, path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; ) {
    const page = await client.get<{ items: T[]; total: number }>(path, { ...query, offset, limit: 10000 });
    items.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return items;
  }
}
