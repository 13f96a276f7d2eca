// Runs the real stage0 executable as a child process, as an operator would.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testTokenFor } from './stage0-server.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STAGE0_BIN = path.join(REPO, 'bin/stage0');

/** An empty config home for CLI children (one per test process). */
const EMPTY_CONFIG_HOME = mkdtempSync(path.join(tmpdir(), 's0-cli-home-'));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Authentication in one place: a CLI pointed (STAGE0_URL) at a test server of this process runs as its
 * administrator (STAGE0_TOKEN) unless env sets STAGE0_TOKEN itself ('' = none). XDG_CONFIG_HOME is an empty
 * directory unless given, so that credentials of the machine's user never leak into a test.
 */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  const token = 'STAGE0_TOKEN' in env ? env.STAGE0_TOKEN : testTokenFor(env.STAGE0_URL);
  const configHome = env.XDG_CONFIG_HOME ?? EMPTY_CONFIG_HOME;
  const childEnv: Record<string, string | undefined> = { ...process.env, STAGE0_TOKEN: undefined, ...env, XDG_CONFIG_HOME: configHome };
  if (token) childEnv.STAGE0_TOKEN = token;
  else delete childEnv.STAGE0_TOKEN;
  return new Promise((resolve) => {
    const child = execFile(STAGE0_BIN, args, { env: childEnv as NodeJS.ProcessEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
