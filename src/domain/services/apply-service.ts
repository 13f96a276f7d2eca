// Declarative inventory: plan a document against the current state and carry the plan out in one transaction.
import type { InventoryRepos, InventoryStore } from '../../store/inventory-store.ts';
import type { NewEvent } from '../inventory/types.ts';
import { validateInventoryDoc, type InventoryDoc, type InventoryState } from '../inventory/inventory-doc.ts';
import { planApply, type Change } from '../inventory/apply-plan.ts';
import { exportInventoryDoc } from '../inventory/export-inventory-doc.ts';
import type { Actor } from './actor.ts';
import type { AttrSealer } from './inventory-service.ts';

export interface ChangeSummary {
  action: Change['action'];
  kind: Change['kind'];
  name: string;
  fields: string[];
}

export interface ApplyResult {
  applied: boolean;
  changes: ChangeSummary[];
}

const summarize = (c: Change): ChangeSummary => ({ action: c.action, kind: c.kind, name: c.name, fields: 'diff' in c ? c.diff.map((d) => d.field) : [] });

async function readState(tx: InventoryRepos): Promise<InventoryState> {
  const [site, groups, nodes] = await Promise.all([tx.site.get(), tx.groups.all(), tx.nodes.all()]);
  return { site, groups, nodes };
}

export class ApplyService {
  constructor(
    private readonly store: InventoryStore,
    private readonly secrets?: AttrSealer,
  ) {}

  /** The plan is made inside the transaction that applies it, so nothing can change in between. */
  async apply(document: unknown, opts: { dryRun: boolean; prune: boolean }, actor: Actor): Promise<ApplyResult> {
    const doc = validateInventoryDoc(document);
    return this.store.transaction(async (tx) => {
      const state = await readState(tx);
      const changes = planApply(this.secrets ? sealDoc(doc, state, this.secrets) : doc, state, { prune: opts.prune });
      if (!opts.dryRun && changes.length) {
        const events: NewEvent[] = [];
        for (const c of changes) {
          await execute(tx, c);
          events.push({ actor: actor.name, node: c.kind === 'node' ? c.name : null, kind: `${c.kind}.${c.action === 'create' ? 'created' : c.action === 'update' ? 'updated' : 'removed'}`, details: { from: actor.from, via: 'apply', ...(c.kind !== 'node' && { [c.kind]: c.name }), ...('diff' in c && { diff: c.diff }) } });
        }
        await tx.events.append(events);
      }
      return { applied: !opts.dryRun && changes.length > 0, changes: changes.map(summarize) };
    });
  }

  async export(): Promise<InventoryDoc> {
    return exportInventoryDoc(await readState(this.store));
  }
}

/** Secrets in the document sealed against what is stored, so an unchanged password plans no change. */
function sealDoc(doc: InventoryDoc, state: InventoryState, secrets: AttrSealer): InventoryDoc {
  const groups = new Map(state.groups.map((g) => [g.name, g.attrs]));
  const nodes = new Map(state.nodes.map((n) => [n.name, n.attrs]));
  return {
    ...doc,
    ...(doc.site && { site: { attrs: secrets.seal(doc.site.attrs, state.site.attrs) } }),
    ...(doc.groups && { groups: doc.groups.map((g) => (g.attrs ? { ...g, attrs: secrets.seal(g.attrs, groups.get(g.name)) } : g)) }),
    ...(doc.nodes && { nodes: doc.nodes.map((n) => (n.attrs ? { ...n, attrs: secrets.seal(n.attrs, nodes.get(n.name)) } : n)) }),
  };
}

async function execute(tx: InventoryRepos, c: Change): Promise<void> {
  switch (c.kind) {
    case 'site':
      await tx.site.set(c.attrs);
      return;
    case 'group':
      if (c.action === 'create') await tx.groups.create(c.group);
      else if (c.action === 'update') await tx.groups.update(c.name, c.patch, c.version);
      else await tx.groups.remove(c.name, c.version);
      return;
    case 'node':
      if (c.action === 'create') await tx.nodes.create(c.node);
      else if (c.action === 'update') await tx.nodes.update(c.name, c.patch, c.version);
      else await tx.nodes.remove(c.name, c.version);
      return;
  }
}
