// BootStateRepo on kysely: one row per node, replaced whole by nodeset and by the boot/install transitions.
import type { Selectable } from 'kysely';
import type { BootState, BootTarget, InstallStatus } from '../../domain/provisioning/boot-state.ts';
import type { BootStateRepo } from '../../domain/provisioning/provisioning-store.ts';
import { chunks, inTransaction, type InventoryDb } from './in-transaction.ts';
import { queryTemplate, type CompiledQuery } from './query-template.ts';
import type { BootStatesTable } from './provisioning-schema.ts';

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** A row of the generation LEFT JOIN boot_states: the state's columns are NULL when the node has no state. */
type GenerationAndState = { generation: number | string } & { [K in keyof Selectable<BootStatesTable>]: Selectable<BootStatesTable>[K] | null };

export class KyselyBootStateRepo implements BootStateRepo {
  readonly #db: InventoryDb;
  /** One node's row, compiled on first use: the boot-script check asks for a single node per request on a quiet listener. */
  #oneQuery: ((node: string) => CompiledQuery<Selectable<BootStatesTable>>) | undefined;

  constructor(db: InventoryDb) {
    this.#db = db;
  }

  #one(node: string): CompiledQuery<Selectable<BootStatesTable>> {
    this.#oneQuery ??= queryTemplate((n: string) => this.#db.selectFrom('boot_states').selectAll().where('node', '=', n), ['\u0000node']);
    return this.#oneQuery(node);
  }

  async get(node: string): Promise<BootState | undefined> {
    const row = (await this.#db.executeQuery(this.#one(node))).rows[0];
    return row && toState(row);
  }

  async list(nodes?: readonly string[]): Promise<BootState[]> {
    if (nodes === undefined) return (await this.#db.selectFrom('boot_states').selectAll().orderBy('node').execute()).map(toState);
    if (nodes.length === 1) return (await this.#db.executeQuery(this.#one(nodes[0]!))).rows.map(toState);
    const out: BootState[] = [];
    for (const part of chunks(nodes, 1000)) out.push(...(await this.#db.selectFrom('boot_states').selectAll().where('node', 'in', part).execute()).map(toState));
    return out;
  }

  #withGenerationQuery: ((node: string | null) => CompiledQuery<GenerationAndState>) | undefined;

  /** SQL: generation LEFT JOIN the nodes' states: one row with NULL state columns when none of them has a state. */
  #generationAnd(nodes: readonly string[]) {
    return this.#db.selectFrom('inventory_generation as g')
      .leftJoin('boot_states as b', (j) => (nodes.length === 1 ? j.on('b.node', '=', nodes[0]!) : j.on('b.node', 'in', nodes)))
      .select('g.generation').selectAll('b').where('g.id', '=', 1);
  }

  async withGeneration(nodes: readonly string[]): Promise<{ generation: number; states: BootState[] }> {
    if (nodes.length > 500) throw new RangeError('withGeneration: at most 500 nodes per statement');
    // One node (a quiet listener, one machine asking) is the hot case: compiled once. None: the join matches NULL.
    let query: CompiledQuery<GenerationAndState>;
    if (nodes.length <= 1) {
      this.#withGenerationQuery ??= queryTemplate((n: string) => this.#generationAnd([n]), ['\u0000node']) as (node: string | null) => CompiledQuery<GenerationAndState>;
      query = this.#withGenerationQuery(nodes[0] ?? null);
    } else {
      query = this.#generationAnd(nodes).compile() as CompiledQuery<GenerationAndState>;
    }
    const rows = (await this.#db.executeQuery(query)).rows;
    if (!rows[0]) throw new Error('inventory_generation has no row: the store was not migrated');
    return { generation: Number(rows[0].generation), states: rows.filter((r) => r.node !== null).map((r) => toState(r as Selectable<BootStatesTable>)) };
  }

  async putMany(states: readonly BootState[]): Promise<void> {
    if (states.length === 0) return;
    await inTransaction(this.#db, async (trx) => {
      // 11 parameters a row: 500 rows stay below SQLite's and pg's bound-parameter limits.
      for (const part of chunks(states, 500)) {
        await trx.insertInto('boot_states').values(part.map(toRow))
          .onConflict((oc) => oc.column('node').doUpdateSet((eb) => ({
            target: eb.ref('excluded.target'), profile: eb.ref('excluded.profile'), oneshot: eb.ref('excluded.oneshot'),
            expires_at: eb.ref('excluded.expires_at'), install_status: eb.ref('excluded.install_status'),
            status_reason: eb.ref('excluded.status_reason'), install_deadline: eb.ref('excluded.install_deadline'),
            actor: eb.ref('excluded.actor'), cause: eb.ref('excluded.cause'), updated_at: eb.ref('excluded.updated_at'),
          })))
          .execute();
      }
    });
  }

  async due(now: number): Promise<BootState[]> {
    const rows = await this.#db.selectFrom('boot_states').selectAll()
      .where((eb) => eb.or([
        eb.and([eb('expires_at', 'is not', null), eb('expires_at', '<=', now)]),
        eb.and([eb('install_deadline', 'is not', null), eb('install_deadline', '<=', now), eb('install_status', 'in', ['pending', 'installing'])]),
      ]))
      .orderBy('node').execute();
    return rows.map(toState);
  }
}

function toRow(s: BootState) {
  return {
    node: s.node, target: s.target, profile: s.profile, oneshot: s.oneshot ? 1 : 0, expires_at: s.expiresAt,
    install_status: s.installStatus, status_reason: s.statusReason, install_deadline: s.installDeadline,
    actor: s.actor, cause: s.cause, updated_at: s.updatedAt,
  };
}

function toState(r: Selectable<BootStatesTable>): BootState {
  return {
    node: r.node, target: r.target as BootTarget, profile: r.profile, oneshot: Number(r.oneshot) === 1,
    expiresAt: num(r.expires_at), installStatus: r.install_status as InstallStatus | null, statusReason: r.status_reason,
    installDeadline: num(r.install_deadline), actor: r.actor, cause: r.cause, updatedAt: r.updated_at,
  };
}
