// First start: with no user at all, create the administrator `admin` with a random one-time password (no default password).
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { isConflict } from '../domain/errors.ts';
import type { AuthStore } from './auth-store.ts';
import { hashPassword } from './password-hash.ts';
import { randomPassword } from './secret-token.ts';

export const INITIAL_ADMIN_FILE = 'initial-admin-password';

/**
 * Returns the file holding the one-time password when it created the administrator, undefined when users exist.
 * The file is 0600 and the password is logged once so that an operator watching the first start can log in.
 */
export async function ensureInitialAdmin(store: AuthStore, dataDir: string, logger: Pick<Logger, 'warn'>): Promise<string | undefined> {
  if ((await store.users.count()) > 0) return undefined;
  const password = randomPassword();
  const file = path.join(dataDir, INITIAL_ADMIN_FILE);
  // Written before the user exists: a crash in between leaves no administrator without a known password.
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600); // an older file of the same name may have had wider permissions
    await handle.writeFile(`${password}\n`);
  } finally {
    await handle.close();
  }
  try {
    await store.users.create({ name: 'admin', roles: ['admin'], groups: [], passwordHash: await hashPassword(password) });
  } catch (err) {
    // Another controller on the same PostgreSQL created it first: its password is the valid one, not ours.
    await rm(file, { force: true });
    if (isConflict(err)) return undefined;
    throw err;
  }
  // The password goes only to the 0600 file: logs are often shipped to places the operator does not control.
  logger.warn(
    { user: 'admin', file },
    `first start: created administrator 'admin'; its one-time password is in ${file} (mode 0600). ` +
      `Log in with: stage0 login --user admin; then set your own password with: stage0 user passwd; and delete the file.`,
  );
  return file;
}
