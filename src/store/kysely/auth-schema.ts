// Table shapes of migration 006 (users, credentials, policy, audit); JSON list columns hold text.
import type { ColumnType, Generated } from 'kysely';

export interface UsersTable {
  name: string;
  /** JSON array text. */
  roles: string;
  /** JSON array text. */
  groups: string;
  password_hash: string | null;
  created_at: string;
}

export interface AuthCredentialsTable {
  id: string;
  kind: 'token' | 'session';
  user_name: string;
  name: string;
  /** SHA-256 hex of the secret; the secret itself is never stored. */
  hash: string;
  /** JSON array text, or null for "every command the user may run". */
  scopes: string | null;
  csrf_hash: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface PolicyTable {
  id: Generated<number>;
  priority: number;
  subject: string;
  /** JSON array text. */
  commands: string;
  noderange: string | null;
  effect: 'allow' | 'deny';
  comment: string | null;
}

export interface AuditTable {
  /** bigserial on PostgreSQL (read back as a string). */
  id: ColumnType<number | string, never, never>;
  time: string;
  user_name: string;
  command: string;
  route: string;
  /** JSON array text. */
  nodes: string;
  status: number;
  from_addr: string;
  /** JSON object text. */
  details: string;
}

/** One failed login: the limiter's key (user and source address) and when, epoch ms. */
export interface LoginFailuresTable {
  key: string;
  at: number | string;
}

export interface AuthSchema {
  login_failures: LoginFailuresTable;
  users: UsersTable;
  auth_credentials: AuthCredentialsTable;
  policy: PolicyTable;
  audit: AuditTable;
}
