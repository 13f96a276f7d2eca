// NodeRepo on kysely: one implementation for SQLite and PostgreSQL.
import { conflict, DomainError, invalid, notFound, stale } from '../../domain/errors.ts';
import type { NewNode, Node, NodePatch, Page } from '../../domain/inventory/types.ts';
import type { ListOptions, NodeRepo } from '../inventory-store.ts';
import { inTransaction, nowIso, type InventoryDb } from './in-transaction.ts';
import { encodeAttrs } from './json-text.ts';
import { normalizeMac, normalizeMacList } from './mac.ts';
import { loadAllNodes, loadNodes, toNode } from './node-rows.ts';
import { pageWindow } from './page-window.ts';

export class KyselyNodeRepo implements NodeRepo {
  readonly #db: InventoryDb;

  constructor(db: InventoryDb) {
    this.#db = db;
  }

  async get(name: string): Promise<Node | undefined> {
    return (await loadNodes(this.#db, [name]))[0];
  }

  /** The nodes that exist among `names`, sorted by name; unknown names are left out. */
  getMany(names: readonly string[]): Promise<Node[]> {
    return loadNodes(this.#db, names);
  }

  async list(opts: ListOptions = {}): Promise<Page<Node>> {
    const { offset, limit } = pageWindow(opts);
    const { total } = await this.#db.selectFrom('nodes').select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
    const rows = await this.#db.selectFrom('nodes').selectAll().orderBy('name').limit(limit).offset(offset).execute();
    return { items: rows.map(toNode), total: Number(total), offset, limit };
  }

  all(): Promise<Node[]> {
    return loadAllNodes(this.#db);
  }

  async findByMac(mac: string): Promise<Node | undefined> {
    const row = await this.#db.selectFrom('node_macs').select('node').where('mac', '=', normalizeMac(mac)).executeTakeFirst();
    return row ? this.get(row.node) : undefined;
  }

  async create(node: NewNode): Promise<Node> {
    const macs = normalizeMacList(node.macs ?? []);
    const groups = checkGroups(node.groups ?? []);
    const attrs = encodeAttrs(node.attrs);
    return inTransaction(this.#db, async (trx) => {
      const existing = await trx.selectFrom('nodes').select('name').where('name', '=', node.name).executeTakeFirst();
      if (existing) throw conflict(`node ${node.name} already exists`, 'name');
      // Checked before the first write so that a conflict leaves the caller's transaction untouched.
      await assertMacsFree(trx, node.name, macs);
      const now = nowIso();
      const inserted = await trx.insertInto('nodes')
        .values({
          name: node.name, bmc: node.bmc ?? null, macs: JSON.stringify(macs), groups: JSON.stringify(groups),
          attrs, version: 1, created_at: now, updated_at: now,
        })
        .onConflict((oc) => oc.column('name').doNothing()).returning('name').executeTakeFirst();
      if (!inserted) throw conflict(`node ${node.name} already exists`, 'name'); // lost a race
      await writeMacs(trx, node.name, macs);
      await writeGroups(trx, node.name, groups);
      return (await loadNodes(trx, [node.name]))[0]!;
    });
  }

  async update(name: string, patch: NodePatch, expectedVersion?: number): Promise<Node> {
    const macs = patch.macs === undefined ? undefined : normalizeMacList(patch.macs);
    const groups = patch.groups === undefined ? undefined : checkGroups(patch.groups);
    const attrs = patch.attrs === undefined ? undefined : encodeAttrs(patch.attrs);
    return inTransaction(this.#db, async (trx) => {
      if (macs) {
        // Not-found and stale win over a MAC conflict, and all are found before the first write.
        const cur = await trx.selectFrom('nodes').select('version').where('name', '=', name).executeTakeFirst();
        if (!cur || (expectedVersion !== undefined && Number(cur.version) !== expectedVersion)) await explainMiss(trx, name, expectedVersion);
        await assertMacsFree(trx, name, macs);
      }
      // On PostgreSQL the version bump also locks the row until commit.
      const bumped = await trx.updateTable('nodes')
        .set((eb) => ({
          version: eb('version', '+', 1),
          updated_at: nowIso(),
          ...(attrs === undefined ? {} : { attrs }),
          ...(patch.bmc === undefined ? {} : { bmc: patch.bmc }),
          ...(macs === undefined ? {} : { macs: JSON.stringify(macs) }),
          ...(groups === undefined ? {} : { groups: JSON.stringify(groups) }),
        }))
        .where('name', '=', name)
        .$if(expectedVersion !== undefined, (q) => q.where('version', '=', expectedVersion!))
        .returning('name').executeTakeFirst();
      if (!bumped) await explainMiss(trx, name, expectedVersion);
      if (macs) {
        await trx.deleteFrom('node_macs').where('node', '=', name).execute();
        await writeMacs(trx, name, macs);
      }
      if (groups) {
        await trx.deleteFrom('node_groups').where('node', '=', name).execute();
        await writeGroups(trx, name, groups);
      }
      return (await loadNodes(trx, [name]))[0]!;
    });
  }

  remove(name: string, expectedVersion?: number): Promise<void> {
    return inTransaction(this.#db, async (trx) => {
      const gone = await trx.deleteFrom('nodes').where('name', '=', name)
        .$if(expectedVersion !== undefined, (q) => q.where('version', '=', expectedVersion!))
        .executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) await explainMiss(trx, name, expectedVersion);
    });
  }
}

/** Throws not-found or precondition-failed for a write that matched no row. */
async function explainMiss(db: InventoryDb, name: string, expected: number | undefined): Promise<never> {
  const row = await db.selectFrom('nodes').select('version').where('name', '=', name).executeTakeFirst();
  if (!row) throw notFound(`node ${name}`, 'name');
  throw stale(`node ${name}`, expected ?? -1, Number(row.version));
}

async function assertMacsFree(db: InventoryDb, node: string, macs: readonly string[]): Promise<void> {
  if (macs.length === 0) return;
  const held = await db.selectFrom('node_macs').select(['mac', 'node'])
    .where('mac', 'in', macs).where('node', '!=', node).orderBy('mac').executeTakeFirst();
  if (held) throw macConflict(held.mac, held.node);
}

function macConflict(mac: string, holder: string | undefined): DomainError {
  return new DomainError('conflict', `MAC ${mac} already belongs to node ${holder ?? '(another node)'}`, {
    field: 'macs', details: { mac, node: holder },
  });
}

async function writeMacs(db: InventoryDb, node: string, macs: readonly string[]): Promise<void> {
  if (macs.length === 0) return;
  const rows = macs.map((mac) => ({ mac, node }));
  const inserted = await db.insertInto('node_macs').values(rows)
    .onConflict((oc) => oc.column('mac').doNothing()).returning('mac').execute();
  if (inserted.length === macs.length) return;
  // A concurrent writer took a MAC between the check and the insert (PostgreSQL only).
  const taken = macs.find((m) => !inserted.some((r) => r.mac === m))!;
  const holder = await db.selectFrom('node_macs').select('node').where('mac', '=', taken).executeTakeFirst();
  throw macConflict(taken, holder?.node);
}

async function writeGroups(db: InventoryDb, node: string, groups: readonly string[]): Promise<void> {
  if (groups.length === 0) return;
  await db.insertInto('node_groups').values(groups.map((group_name) => ({ node, group_name }))).execute();
}

function checkGroups(groups: readonly string[]): string[] {
  groups.forEach((g, i) => {
    if (typeof g !== 'string' || g === '') throw invalid('a group name must be a non-empty string', `groups[${i}]`);
    if (groups.indexOf(g) !== i) throw invalid(`group ${g} is listed twice`, `groups[${i}]`);
  });
  return [...groups];
}
