// ProfileRepo on kysely: profiles (osimages) with a version per row for If-Match style updates.
import type { Selectable } from 'kysely';
import { conflict, notFound, stale } from '../../domain/errors.ts';
import type { NewProfile, Profile, ProfilePatch } from '../../domain/provisioning/profile.ts';
import type { ProfileRepo } from '../../domain/provisioning/provisioning-store.ts';
import { inTransaction, nowIso, type InventoryDb } from './in-transaction.ts';
import type { ProfilesTable } from './provisioning-schema.ts';

export class KyselyProfileRepo implements ProfileRepo {
  readonly #db: InventoryDb;

  constructor(db: InventoryDb) {
    this.#db = db;
  }

  async get(name: string): Promise<Profile | undefined> {
    const row = await this.#db.selectFrom('profiles').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toProfile(row);
  }

  async list(): Promise<Profile[]> {
    return (await this.#db.selectFrom('profiles').selectAll().orderBy('name').execute()).map(toProfile);
  }

  async create(p: NewProfile): Promise<Profile> {
    const now = nowIso();
    const row = await this.#db.insertInto('profiles')
      .values({
        name: p.name, kernel: p.kernel, initrd: p.initrd ?? null, cmdline: p.cmdline ?? '', template: p.template ?? null,
        image: p.image ?? null, install_timeout: p.installTimeout ?? null, version: 1, created_at: now, updated_at: now,
      })
      .onConflict((oc) => oc.column('name').doNothing()).returningAll().executeTakeFirst();
    if (!row) throw conflict(`profile ${p.name} already exists`, 'name');
    return toProfile(row);
  }

  async update(name: string, patch: ProfilePatch, expectedVersion?: number): Promise<Profile> {
    return inTransaction(this.#db, async (trx) => {
      const cur = await trx.selectFrom('profiles').selectAll().where('name', '=', name).executeTakeFirst();
      if (!cur) throw notFound(`profile '${name}'`, 'name');
      if (expectedVersion !== undefined && expectedVersion !== cur.version) throw stale(`profile ${name}`, expectedVersion, cur.version);
      const row = await trx.updateTable('profiles')
        .set({
          ...(patch.kernel !== undefined && { kernel: patch.kernel }),
          ...(patch.initrd !== undefined && { initrd: patch.initrd }),
          ...(patch.cmdline !== undefined && { cmdline: patch.cmdline }),
          ...(patch.template !== undefined && { template: patch.template }),
          ...(patch.image !== undefined && { image: patch.image }),
          ...(patch.installTimeout !== undefined && { install_timeout: patch.installTimeout }),
          version: cur.version + 1, updated_at: nowIso(),
        })
        .where('name', '=', name).where('version', '=', cur.version).returningAll().executeTakeFirst();
      if (!row) throw stale(`profile ${name}`, cur.version, cur.version + 1);
      return toProfile(row);
    });
  }

  async remove(name: string): Promise<void> {
    const res = await this.#db.deleteFrom('profiles').where('name', '=', name).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound(`profile '${name}'`, 'name');
  }
}

function toProfile(r: Selectable<ProfilesTable>): Profile {
  return {
    name: r.name, kernel: r.kernel, initrd: r.initrd, cmdline: r.cmdline, template: r.template, image: r.image,
    installTimeout: r.install_timeout === null ? null : Number(r.install_timeout), version: Number(r.version),
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
