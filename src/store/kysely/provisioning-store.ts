// ProvisioningStore over the inventory's kysely database: its repositories and the event log share one transaction.
import type { Kysely } from 'kysely';
import type { ProvisioningRepos, ProvisioningStore } from '../../domain/provisioning/provisioning-store.ts';
import { translatingConstraints } from './constraint-error.ts';
import { KyselyEventLog } from './event-log.ts';
import type { InventoryDb } from './in-transaction.ts';
import { KyselyBootStateRepo } from './provisioning-boot-state-repo.ts';
import { KyselyProfileRepo } from './provisioning-profile-repo.ts';
import { KyselyInstallTokenRepo } from './provisioning-token-repo.ts';
import type { InventorySchema } from './schema.ts';

function reposFor(db: InventoryDb): ProvisioningRepos {
  return { bootStates: new KyselyBootStateRepo(db), profiles: new KyselyProfileRepo(db), tokens: new KyselyInstallTokenRepo(db), events: new KyselyEventLog(db) };
}

/** Opened by openStores on the same connection (SQLite) or pool (PostgreSQL) as the inventory; closed with it. */
export class KyselyProvisioningStore implements ProvisioningStore {
  readonly bootStates; readonly profiles; readonly tokens; readonly events;
  readonly #db: Kysely<InventorySchema>;

  constructor(db: Kysely<InventorySchema>) {
    this.#db = db;
    const outer = reposFor(db);
    this.bootStates = outer.bootStates; this.profiles = outer.profiles; this.tokens = outer.tokens; this.events = outer.events;
  }

  transaction<T>(fn: (tx: ProvisioningRepos) => Promise<T>): Promise<T> {
    return translatingConstraints(this.#db.transaction().execute((trx) => fn(reposFor(trx))));
  }
}
