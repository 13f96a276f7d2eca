// CredentialRepo on kysely: API tokens and web sessions, found by the SHA-256 of their secret.
import { notFound } from '../../domain/errors.ts';
import type { Credential, CredentialRepo, NewCredential } from '../../auth/auth-store.ts';
import type { AuthCredentialsTable } from './auth-schema.ts';
import { nowIso, type InventoryDb } from './in-transaction.ts';
import { translatingConstraints } from './constraint-error.ts';

export class KyselyCredentialRepo implements CredentialRepo {
  constructor(private readonly db: InventoryDb) {}

  async create(c: NewCredential): Promise<Credential> {
    const row: AuthCredentialsTable = {
      id: c.id, kind: c.kind, user_name: c.user, name: c.name, hash: c.hash, scopes: c.scopes === null ? null : JSON.stringify(c.scopes),
      csrf_hash: c.csrfHash, created_at: nowIso(), expires_at: c.expiresAt, revoked_at: null, last_used_at: null,
    };
    await translatingConstraints(this.db.insertInto('auth_credentials').values(row).execute());
    return toCredential(row);
  }

  async findByHash(hash: string): Promise<Credential | undefined> {
    const row = await this.db.selectFrom('auth_credentials').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toCredential(row);
  }

  async get(id: string): Promise<Credential | undefined> {
    const row = await this.db.selectFrom('auth_credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCredential(row);
  }

  async list(opts: { user?: string; kind?: Credential['kind'] } = {}): Promise<Credential[]> {
    const rows = await this.db.selectFrom('auth_credentials').selectAll()
      .where('kind', '=', opts.kind ?? 'token')
      .$if(opts.user !== undefined, (q) => q.where('user_name', '=', opts.user!))
      .orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toCredential);
  }

  async revoke(id: string, at: string = nowIso()): Promise<void> {
    const r = await this.db.updateTable('auth_credentials').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0 && !(await this.get(id))) throw notFound(`token '${id}'`, 'id');
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('auth_credentials').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}

function toCredential(r: AuthCredentialsTable): Credential {
  return {
    id: r.id, kind: r.kind, user: r.user_name, name: r.name, scopes: r.scopes === null ? null : (JSON.parse(r.scopes) as string[]), csrfHash: r.csrf_hash,
    createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
  };
}
