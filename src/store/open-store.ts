// The one place that picks a store backend from configuration; both backends migrate on open.
import type { InventoryStore } from './inventory-store.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export function openStore(cfg: StoreConfig): Promise<InventoryStore> {
  switch (cfg.kind) {
    case 'sqlite':
      return openSqliteStore(cfg.path);
    case 'postgres':
      return openPostgresStore(cfg.url);
  }
}
