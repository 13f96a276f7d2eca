// DiscoveryStore on kysely (SQLite and PostgreSQL): entries upserted by boot MAC, rules by name.
import { sql, type Selectable } from 'kysely';
import { notFound } from '../../domain/errors.ts';
import type { DiscoveryFacts } from '../../domain/discovery/discovery-facts.ts';
import type { DiscoveryRule, NewDiscoveryRule, RuleMatch } from '../../domain/discovery/discovery-rules.ts';
import type { DiscoveryEntry, DiscoveryEntryRepo, DiscoveryRuleRepo, DiscoveryStatus, DiscoveryStore } from '../../domain/discovery/discovery-store.ts';
import { translatingConstraints } from './constraint-error.ts';
import type { InventoryDb } from './in-transaction.ts';
import type { DiscoveryEntriesTable, DiscoveryRulesTable } from './discovery-schema.ts';

const toEntry = (r: Selectable<DiscoveryEntriesTable>): DiscoveryEntry => ({
  id: Number(r.id), mac: r.mac, status: r.status as DiscoveryStatus, node: r.node, facts: JSON.parse(r.facts) as DiscoveryFacts,
  sourceIp: r.source_ip, firstSeen: r.first_seen, lastSeen: r.last_seen, reports: Number(r.reports), rule: r.rule, decidedBy: r.decided_by,
});

const toRule = (r: Selectable<DiscoveryRulesTable>): DiscoveryRule => ({
  name: r.name, priority: Number(r.priority), match: JSON.parse(r.match) as RuleMatch, namePattern: r.name_pattern, groups: JSON.parse(r.groups) as string[], createdAt: r.created_at,
});

class KyselyDiscoveryEntryRepo implements DiscoveryEntryRepo {
  constructor(private readonly db: InventoryDb) {}

  async record(facts: DiscoveryFacts, sourceIp: string, now: string): Promise<DiscoveryEntry> {
    const json = JSON.stringify(facts);
    // One statement, so two reports from one machine at the same moment cannot create two entries.
    await translatingConstraints(this.db.insertInto('discovery_entries')
      .values({ mac: facts.bootMac, status: 'pending', node: null, facts: json, source_ip: sourceIp, first_seen: now, last_seen: now, reports: 1, rule: null, decided_by: null })
      .onConflict((oc) => oc.column('mac').doUpdateSet({ facts: json, source_ip: sourceIp, last_seen: now, reports: sql<number>`discovery_entries.reports + 1` }))
      .execute());
    const row = await this.db.selectFrom('discovery_entries').selectAll().where('mac', '=', facts.bootMac).executeTakeFirstOrThrow();
    return toEntry(row);
  }

  async get(id: number): Promise<DiscoveryEntry | undefined> {
    const row = await this.db.selectFrom('discovery_entries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toEntry(row);
  }

  async byMac(mac: string): Promise<DiscoveryEntry | undefined> {
    const row = await this.db.selectFrom('discovery_entries').selectAll().where('mac', '=', mac).executeTakeFirst();
    return row && toEntry(row);
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('discovery_entries').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async list(status?: DiscoveryStatus): Promise<DiscoveryEntry[]> {
    let q = this.db.selectFrom('discovery_entries').selectAll();
    if (status) q = q.where('status', '=', status);
    return (await q.orderBy('id').execute()).map(toEntry);
  }

  async decide(id: number, d: { status: DiscoveryStatus; node: string | null; rule: string | null; decidedBy: string }): Promise<DiscoveryEntry> {
    const row = await this.db.updateTable('discovery_entries')
      .set({ status: d.status, node: d.node, rule: d.rule, decided_by: d.decidedBy })
      .where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound(`discovery entry ${id}`, 'id');
    return toEntry(row);
  }
}

class KyselyDiscoveryRuleRepo implements DiscoveryRuleRepo {
  constructor(private readonly db: InventoryDb) {}

  async list(): Promise<DiscoveryRule[]> {
    return (await this.db.selectFrom('discovery_rules').selectAll().orderBy('priority').orderBy('name').execute()).map(toRule);
  }

  async add(rule: NewDiscoveryRule, now: string): Promise<DiscoveryRule> {
    const row = await translatingConstraints(this.db.insertInto('discovery_rules')
      .values({ name: rule.name, priority: rule.priority, match: JSON.stringify(rule.match), name_pattern: rule.namePattern, groups: JSON.stringify(rule.groups), created_at: now })
      .returningAll().executeTakeFirstOrThrow());
    return toRule(row);
  }

  async remove(name: string): Promise<void> {
    const r = await this.db.deleteFrom('discovery_rules').where('name', '=', name).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound(`discovery rule '${name}'`, 'name');
  }
}

/** Opened by openStores on the inventory's connection or pool; closed with it. */
export function kyselyDiscoveryStore(db: InventoryDb): DiscoveryStore {
  return { entries: new KyselyDiscoveryEntryRepo(db), rules: new KyselyDiscoveryRuleRepo(db) };
}
