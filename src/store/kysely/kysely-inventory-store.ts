// InventoryStore over any kysely database: repositories bound to autocommit, or to one transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { InventoryRepos, InventoryStore } from '../inventory-store.ts';
import { translatingConstraints } from './constraint-error.ts';
import { queryTemplate } from './query-template.ts';
import { KyselyEventLog } from './event-log.ts';
import { KyselyGroupRepo } from './group-repo.ts';
import type { InventoryDb } from './in-transaction.ts';
import { KyselyNodeRepo } from './node-repo.ts';
import type { InventorySchema } from './schema.ts';
import { KyselySiteRepo } from './site-repo.ts';

export function reposFor(db: InventoryDb): InventoryRepos {
  return { nodes: new KyselyNodeRepo(db), groups: new KyselyGroupRepo(db), site: new KyselySiteRepo(db), events: new KyselyEventLog(db) };
}

export class KyselyInventoryStore implements InventoryStore {
  readonly nodes; readonly groups; readonly site; readonly events;
  readonly #db: Kysely<InventorySchema>;
  #closing: Promise<void> | undefined;
  readonly #afterClose: (() => void) | undefined;
  /** Read before every DHCP answer and boot script (is the in-memory inventory current?): compiled once. */
  readonly #generation;
  /**
   * The transaction scope an async call chain runs in, to catch use of the outer store inside it (undefined: the
   * guard is off, see TRANSACTION_GUARD). `active` turns false when the transaction ends, so timers and promises
   * created inside it may use the store afterwards.
   */
  readonly #inTransaction: AsyncLocalStorage<TransactionScope> | undefined;

  /** `afterClose`: runs once the connection is closed (what else was held for this database, e.g. its lease lock). */
  constructor(db: Kysely<InventorySchema>, opts: { afterClose?: () => void } = {}) {
    this.#db = db;
    this.#afterClose = opts.afterClose;
    this.#generation = queryTemplate(() => db.selectFrom('inventory_generation').select('generation').where('id', '=', 1), [] as const);
    this.#inTransaction = TRANSACTION_GUARD ? new AsyncLocalStorage<TransactionScope>() : undefined;
    const outer = reposFor(this.#inTransaction ? db.withPlugin(new OutsideTransactionGuard(this.#inTransaction)) : db);
    this.nodes = outer.nodes; this.groups = outer.groups; this.site = outer.site; this.events = outer.events;
  }

  /**
   * All or nothing. With SQLite every transaction holds the single connection, so concurrent calls run one after
   * the other and never interleave. Inside `fn` use only `tx`: the outer store would wait for the connection held
   * by this very transaction (SQLite) or write outside it (PostgreSQL), so it throws instead.
   */
  async transaction<T>(fn: (tx: InventoryRepos) => Promise<T>): Promise<T> {
    const guard = this.#inTransaction;
    if (guard?.getStore()?.active) throw new Error('store.transaction() called inside a transaction: use the tx repositories');
    const scope: TransactionScope = { active: true };
    try {
      return await translatingConstraints(this.#db.transaction().execute((trx) => (guard ? guard.run(scope, () => fn(reposFor(trx))) : fn(reposFor(trx)))));
    } finally {
      scope.active = false;
    }
  }

  async generation(): Promise<number> {
    const row = (await this.#db.executeQuery(this.#generation())).rows[0];
    if (!row) throw new Error('inventory_generation has no row: the store was not migrated');
    return Number(row.generation);
  }

  /** Closes the connection (SQLite) or pool (PostgreSQL); later calls return the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#db.destroy().finally(() => this.#afterClose?.());
    return this.#closing;
  }
}

/**
 * Whether stores check that the outer repositories are not used inside store.transaction() (a bug that deadlocks on
 * SQLite and escapes the transaction on PostgreSQL). The check needs AsyncLocalStorage, which on Node 20 puts a hook
 * on every promise of the process from the first transaction on: ~15 % of the boot-script path's throughput
 * (bench/RESULTS.md, session 4). So it is on where bugs are found — under `node --test` (NODE_TEST_CONTEXT), or with
 * STAGE0_TX_GUARD=1 — and off in production (STAGE0_TX_GUARD=0 turns it off under tests too).
 */
export const TRANSACTION_GUARD = process.env.STAGE0_TX_GUARD === '1' || (process.env.STAGE0_TX_GUARD !== '0' && process.env.NODE_TEST_CONTEXT !== undefined);

interface TransactionScope {
  active: boolean;
}

/** Fails fast, before taking a connection, when the outer repositories are used from inside a transaction. */
class OutsideTransactionGuard implements KyselyPlugin {
  readonly #scope: AsyncLocalStorage<TransactionScope>;

  constructor(scope: AsyncLocalStorage<TransactionScope>) {
    this.#scope = scope;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.#scope.getStore()?.active) throw new Error('the outer store was used inside store.transaction(): use the tx repositories');
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
