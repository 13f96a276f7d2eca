// The ordered list of schema migrations; both backends run exactly these (names sort in the order they apply).
import type { Migration } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';
import { inventoryMigration } from './001-inventory.ts';
import { leasesMigration } from './002-leases.ts';
import { inventoryGenerationMigration } from './003-inventory-generation.ts';
import { provisioningMigration } from './004-provisioning.ts';
import { discoveryMigration } from './005-discovery.ts';
import { authMigration } from './006-auth.ts';
import { loginFailuresMigration } from './007-login-failures.ts';
import { leaseLogMigration } from './008-lease-log.ts';
import { leaseTableIndexesMigration } from './009-lease-table-indexes.ts';

/** Every migration, keyed by its file name; add new ones at the end with the next number. */
export function inventoryMigrations(flavor: SqlFlavor): Record<string, Migration> {
  return {
    '001-inventory': inventoryMigration(flavor),
    '002-leases': leasesMigration(flavor),
    '003-inventory-generation': inventoryGenerationMigration(flavor),
    '004-provisioning': provisioningMigration(flavor),
    '005-discovery': discoveryMigration(flavor),
    '006-auth': authMigration(flavor),
    '007-login-failures': loginFailuresMigration(flavor),
    '008-lease-log': leaseLogMigration(flavor),
    '009-lease-table-indexes': leaseTableIndexesMigration(flavor),
  };
}
