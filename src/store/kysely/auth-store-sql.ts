// AuthStore over the inventory's kysely database (SQLite or PostgreSQL): one set of repositories, same connection.
import type { AuthStore } from '../../auth/auth-store.ts';
import { KyselyAuditLog } from './auth-audit-log.ts';
import { KyselyCredentialRepo } from './auth-credential-repo.ts';
import { KyselyPolicyRepo } from './auth-policy-repo.ts';
import { KyselyUserRepo } from './auth-user-repo.ts';
import { KyselyLoginFailureLog } from './auth-login-failures.ts';
import type { InventoryDb } from './in-transaction.ts';

export function kyselyAuthStore(db: InventoryDb): AuthStore {
  return { users: new KyselyUserRepo(db), credentials: new KyselyCredentialRepo(db), policy: new KyselyPolicyRepo(db), audit: new KyselyAuditLog(db), loginFailures: new KyselyLoginFailureLog(db) };
}
