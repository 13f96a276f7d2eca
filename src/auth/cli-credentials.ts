// The CLI's saved logins: $XDG_CONFIG_HOME/stage0/credentials.json (or ~/.config/...), mode 0600, one token per server URL.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SavedLogin {
  user: string;
  token: string;
  /** Token id (for `stage0 token revoke`) and expiry, as the server said. */
  id?: string;
  expiresAt?: string;
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'stage0', 'credentials.json');
}

/** Logins are keyed by the server's origin, so --url http://host:8080 and http://host:8080/ share one. */
const keyOf = (url: string) => new URL(url).origin;

export function readLogins(file = credentialsFile()): Record<string, SavedLogin> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, SavedLogin>;
  } catch {
    return {};
  }
}

export function savedLogin(url: string, file = credentialsFile()): SavedLogin | undefined {
  return readLogins(file)[keyOf(url)];
}

/** Writes the file 0600 in a 0700 directory, through a temporary file so that a crash never leaves half a file. */
export function saveLogin(url: string, login: SavedLogin | undefined, file = credentialsFile()): void {
  const all = readLogins(file);
  if (login) all[keyOf(url)] = login;
  else delete all[keyOf(url)];
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** STAGE0_TOKEN wins over the saved login for the URL. */
export function tokenFor(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.STAGE0_TOKEN || savedLogin(url, credentialsFile(env))?.token;
}
