// The store interfaces authentication, the policy table and the audit trail need (SQLite and PostgreSQL implement them).

export interface User {
  name: string;
  /** Roles the policy table names as role:<name> (built in: admin, viewer). */
  roles: string[];
  /** Groups the policy table names as group:<name>. */
  groups: string[];
  /** "scrypt$N$r$p$salt$hash" (see password-hash.ts), or null for a user who can only use tokens. */
  passwordHash: string | null;
  createdAt: string;
}

export type NewUser = Omit<User, 'createdAt'>;

export interface UserRepo {
  get(name: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  /** DomainError conflict when the name is taken. */
  create(user: NewUser): Promise<User>;
  /** DomainError not-found for an unknown user. */
  update(name: string, patch: Partial<Pick<User, 'roles' | 'groups' | 'passwordHash'>>): Promise<User>;
  /** Removes the user and every token and session of theirs; DomainError not-found for an unknown user. */
  remove(name: string): Promise<void>;
  count(): Promise<number>;
}

/** An API token or a web session: both are bearer secrets stored as SHA-256 only. */
export interface Credential {
  id: string;
  kind: 'token' | 'session';
  user: string;
  name: string;
  /** Commands (globs allowed) the token is limited to; null means everything the user may do. */
  scopes: string[] | null;
  /** Sessions only: SHA-256 of the CSRF token a browser must echo on unsafe requests. */
  csrfHash: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type NewCredential = Pick<Credential, 'id' | 'kind' | 'user' | 'name' | 'scopes' | 'csrfHash' | 'expiresAt'> & { hash: string };

export interface CredentialRepo {
  create(c: NewCredential): Promise<Credential>;
  findByHash(hash: string): Promise<Credential | undefined>;
  get(id: string): Promise<Credential | undefined>;
  /** Newest first; only `user`'s when given; sessions are left out unless asked for. */
  list(opts?: { user?: string; kind?: Credential['kind'] }): Promise<Credential[]>;
  /** Marks it revoked (kept for the record); DomainError not-found for an unknown id. */
  revoke(id: string, at: string): Promise<void>;
  touch(id: string, at: string): Promise<void>;
}

export type Effect = 'allow' | 'deny';

export interface PolicyRow {
  id: number;
  /** Lower first; the first matching row decides. */
  priority: number;
  /** user:<name> | group:<name> | role:<name> | * (any authenticated user). */
  subject: string;
  /** Command names or globs (nodels, *.read), or ['*'] for every command. */
  commands: string[];
  /** When set, the row covers only requests whose nodes all lie in this noderange. */
  noderange: string | null;
  effect: Effect;
  comment: string | null;
}

export type NewPolicyRow = Omit<PolicyRow, 'id'>;

export interface PolicyRepo {
  /** By priority, then id. */
  list(): Promise<PolicyRow[]>;
  add(row: NewPolicyRow): Promise<PolicyRow>;
  remove(id: number): Promise<void>;
}

export interface AuditEntry {
  id: number;
  time: string;
  /** The authenticated user, or 'anonymous'. */
  user: string;
  command: string;
  /** "POST /api/v1/nodes/:name" */
  route: string;
  nodes: string[];
  status: number;
  from: string;
  /** before/after summaries and whatever else the route attached. */
  details: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'time'> & { time?: string };

export interface AuditQuery {
  user?: string;
  command?: string;
  node?: string;
  since?: string;
  afterId?: number;
  limit?: number;
}

/** Append-only: there is no update or delete, and the database refuses them too (triggers of migration 006). */
export interface AuditLog {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Oldest first. */
  query(q?: AuditQuery): Promise<AuditEntry[]>;
}

/** Failed logins by limiter key (user and source address), epoch ms: shared by every controller on the database. */
export interface LoginFailureLog {
  /** Times of `key`'s failures at or after `since`, newest first, at most `limit`. */
  recent(key: string, since: number, limit: number): Promise<number[]>;
  add(key: string, at: number): Promise<void>;
  /** Forgets `key` (a successful login). */
  clear(key: string): Promise<void>;
  /** Forgets every failure before `before` (they no longer count). */
  prune(before: number): Promise<void>;
}

export interface AuthStore {
  users: UserRepo;
  credentials: CredentialRepo;
  policy: PolicyRepo;
  audit: AuditLog;
  loginFailures: LoginFailureLog;
}
