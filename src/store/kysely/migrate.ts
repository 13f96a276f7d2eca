// Brings a database to the newest schema with kysely's Migrator and the in-code migration list.
import { Migrator, type Kysely } from 'kysely';
import { inventoryMigrations } from '../migrations/index.ts';
import type { InventorySchema, SqlFlavor } from './schema.ts';

/** Applies every pending migration; throws the first failure (the failed migration is rolled back). */
export async function migrateToLatest(db: Kysely<InventorySchema>, flavor: SqlFlavor): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => inventoryMigrations(flavor) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}
