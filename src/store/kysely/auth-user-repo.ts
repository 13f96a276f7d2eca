// UserRepo on kysely: users with roles, groups and a password hash; removing one removes their credentials (cascade).
import { conflict, notFound } from '../../domain/errors.ts';
import type { NewUser, User, UserRepo } from '../../auth/auth-store.ts';
import type { UsersTable } from './auth-schema.ts';
import { inTransaction, nowIso, type InventoryDb } from './in-transaction.ts';

export class KyselyUserRepo implements UserRepo {
  constructor(private readonly db: InventoryDb) {}

  async get(name: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('name').execute()).map(toUser);
  }

  async create(user: NewUser): Promise<User> {
    return inTransaction(this.db, async (trx) => {
      if (await trx.selectFrom('users').select('name').where('name', '=', user.name).executeTakeFirst()) throw conflict(`user '${user.name}' already exists`, 'name');
      const row = { name: user.name, roles: JSON.stringify(user.roles), groups: JSON.stringify(user.groups), password_hash: user.passwordHash, created_at: nowIso() };
      await trx.insertInto('users').values(row).execute();
      return toUser(row);
    });
  }

  async update(name: string, patch: Partial<Pick<User, 'roles' | 'groups' | 'passwordHash'>>): Promise<User> {
    const set = {
      ...(patch.roles && { roles: JSON.stringify(patch.roles) }),
      ...(patch.groups && { groups: JSON.stringify(patch.groups) }),
      ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
    };
    const row = Object.keys(set).length === 0
      ? await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst()
      : await this.db.updateTable('users').set(set).where('name', '=', name).returningAll().executeTakeFirst();
    if (!row) throw notFound(`user '${name}'`, 'name');
    return toUser(row);
  }

  async remove(name: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      // Explicit rather than relying on ON DELETE CASCADE alone: SQLite enforces it only with foreign_keys=ON.
      await trx.deleteFrom('auth_credentials').where('user_name', '=', name).execute();
      const r = await trx.deleteFrom('users').where('name', '=', name).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound(`user '${name}'`, 'name');
    });
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

function toUser(r: UsersTable): User {
  return { name: r.name, roles: JSON.parse(r.roles) as string[], groups: JSON.parse(r.groups) as string[], passwordHash: r.password_hash, createdAt: r.created_at };
}
