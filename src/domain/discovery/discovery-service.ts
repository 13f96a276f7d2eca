// Discovery use cases: record a machine's report, enroll it by rule or by an operator, reject it, manage rules.
import { DomainError, invalid, notFound } from '../errors.ts';
import type { Actor } from '../services/actor.ts';
import type { NodeFields } from '../services/inventory-service.ts';
import type { Attrs, NewEvent, Node } from '../inventory/types.ts';
import { parseDiscoveryFacts } from './discovery-facts.ts';
import { factsToAttrs, hwAttrPatch } from './facts-attributes.ts';
import { firstMatchingRule, validateRule, type DiscoveryRule, type NewDiscoveryRule } from './discovery-rules.ts';
import type { DiscoveryEntry, DiscoveryStatus, DiscoveryStore } from './discovery-store.ts';
import { renderNodeName } from './name-pattern.ts';

/** What the machine does after reporting: power off (default), or reboot into its pending install. */
export type DiscoveryAction = 'poweroff' | 'reboot';

/** The inventory operations discovery uses (InventoryService has them); nodes get created/updated with its checks and events. */
export interface DiscoveryInventory {
  nodeByMac(mac: string): Promise<{ name: string; attrs: Attrs } | undefined>;
  addNodes(range: string, fields: NodeFields, actor: Actor): Promise<Node[]>;
  updateNode(name: string, fields: NodeFields, actor: Actor): Promise<Node>;
}

export interface DiscoveryDeps {
  store: DiscoveryStore;
  inventory: DiscoveryInventory;
  /** Every node name (for the next free {###}). */
  nodeNames: () => Promise<ReadonlySet<string>>;
  /** The event log, written in order (awaited): reported → node.created → enrolled must read in that order. */
  events: { append(events: readonly NewEvent[]): Promise<unknown> };
  /** True when the node's next boot is an install (provisioning state, owned elsewhere); absent = never. */
  pendingInstall?: (node: string) => Promise<boolean>;
  /** Most machines the queue keeps (default 10,000): a flood of made-up MACs cannot fill the database. */
  maxEntries?: number;
  now?: () => Date;
}

export interface ReportResult {
  entry: DiscoveryEntry;
  action: DiscoveryAction;
}

/** Default name pattern when an operator approves without a name. */
export const DEFAULT_NAME_PATTERN = 'node{###}';

export class DiscoveryService {
  constructor(private readonly d: DiscoveryDeps) {}

  private now(): string {
    return (this.d.now?.() ?? new Date()).toISOString();
  }

  private emit(e: NewEvent): Promise<unknown> {
    return this.d.events.append([e]);
  }

  /** A report from the discovery agent (already JSON-parsed); validates, records, enrolls by rule, answers the action. */
  async report(raw: unknown, sourceIp: string): Promise<ReportResult> {
    const facts = parseDiscoveryFacts(raw);
    const max = this.d.maxEntries ?? 10_000;
    if (!(await this.d.store.entries.byMac(facts.bootMac)) && (await this.d.store.entries.count()) >= max) {
      throw new DomainError('unavailable', `the discovery queue is full (${max} machines): approve, reject or remove entries`, { field: 'bootMac' });
    }
    let entry = await this.d.store.entries.record(facts, sourceIp, this.now());
    const known = await this.d.inventory.nodeByMac(facts.bootMac);
    await this.emit({
      actor: 'discovery', node: known?.name ?? null, kind: 'discovery.reported',
      details: { id: entry.id, mac: facts.bootMac, from: sourceIp, reports: entry.reports, cpu: facts.cpu.model, cores: facts.cpu.cores, memoryMiB: facts.memory.totalMiB, disks: facts.disks.length, uuid: facts.dmi.uuid, serial: facts.dmi.serial },
    });
    if (known) {
      // A node we know: its facts are refreshed; the entry records that the inventory already had it.
      await this.d.inventory.updateNode(known.name, { attrs: hwAttrPatch(known.attrs, facts) }, { name: 'discovery', from: sourceIp });
      if (entry.status !== 'enrolled' || entry.node !== known.name) {
        entry = await this.d.store.entries.decide(entry.id, { status: 'enrolled', node: known.name, rule: null, decidedBy: 'inventory' });
      }
    } else if (entry.status !== 'rejected') {
      if (entry.status === 'enrolled') entry = await this.d.store.entries.decide(entry.id, { status: 'pending', node: null, rule: null, decidedBy: 'discovery' });
      const rule = firstMatchingRule(await this.d.store.rules.list(), facts);
      if (rule) {
        try {
          entry = await this.enroll(entry, rule.namePattern, rule.groups, { name: `rule:${rule.name}`, from: sourceIp }, rule.name);
        } catch (err) {
          // A rule that cannot name this machine (no serial, name taken, a group refused) leaves it for an operator.
          if (!(err instanceof DomainError) || err.kind === 'unavailable') throw err;
          await this.emit({ actor: `rule:${rule.name}`, node: null, kind: 'discovery.rule-failed', details: { id: entry.id, mac: entry.mac, rule: rule.name, reason: err.message } });
        }
      }
    }
    return { entry, action: await this.actionFor(entry) };
  }

  private async actionFor(entry: DiscoveryEntry): Promise<DiscoveryAction> {
    if (entry.status !== 'enrolled' || !entry.node || !this.d.pendingInstall) return 'poweroff';
    return (await this.d.pendingInstall(entry.node)) ? 'reboot' : 'poweroff';
  }

  /** Creates the node (name from pattern or literal, MAC, groups, hw.* attributes) and marks the entry enrolled. */
  private async enroll(entry: DiscoveryEntry, pattern: string, groups: string[], actor: Actor, rule: string | null): Promise<DiscoveryEntry> {
    const fields = (): NodeFields => ({ macs: [entry.mac], groups, attrs: factsToAttrs(entry.facts) });
    let node: Node | undefined;
    for (let attempt = 0; !node; attempt++) {
      const taken = await this.d.nodeNames();
      const name = renderNodeName(pattern, entry.facts, (n) => taken.has(n));
      try {
        [node] = await this.d.inventory.addNodes(name, fields(), actor);
      } catch (err) {
        // Another report took the same number at the same moment: pick again (a MAC conflict is not retried).
        const nameClash = err instanceof DomainError && err.kind === 'conflict' && !/mac/i.test(`${err.field ?? ''} ${err.message}`);
        if (!nameClash || attempt >= 4 || !/\{#+\}/.test(pattern)) throw err;
      }
    }
    const done = await this.d.store.entries.decide(entry.id, { status: 'enrolled', node: node.name, rule, decidedBy: actor.name });
    await this.emit({ actor: actor.name, node: node.name, kind: 'discovery.enrolled', details: { id: entry.id, mac: entry.mac, rule, actor: actor.name, from: actor.from, groups } });
    return done;
  }

  /** Operator approval: name (a literal or a pattern; default node{###}) and groups; a pending or rejected entry only. */
  async approve(id: number, opts: { name?: string; groups?: string[] }, actor: Actor): Promise<DiscoveryEntry> {
    const entry = await this.get(id);
    if (entry.status === 'enrolled') throw new DomainError('conflict', `discovery entry ${id} is already enrolled as ${entry.node}`, { field: 'id' });
    const existing = await this.d.inventory.nodeByMac(entry.mac);
    if (existing) {
      await this.d.inventory.updateNode(existing.name, { attrs: hwAttrPatch(existing.attrs, entry.facts) }, actor);
      const done = await this.d.store.entries.decide(id, { status: 'enrolled', node: existing.name, rule: null, decidedBy: actor.name });
      await this.emit({ actor: actor.name, node: existing.name, kind: 'discovery.enrolled', details: { id, mac: entry.mac, rule: null, actor: actor.name, existing: true } });
      return done;
    }
    return this.enroll(entry, opts.name ?? DEFAULT_NAME_PATTERN, opts.groups ?? [], actor, null);
  }

  async reject(id: number, actor: Actor): Promise<DiscoveryEntry> {
    const entry = await this.get(id);
    if (entry.status === 'enrolled') throw new DomainError('conflict', `discovery entry ${id} is enrolled as ${entry.node}; remove the node instead`, { field: 'id' });
    const done = await this.d.store.entries.decide(id, { status: 'rejected', node: null, rule: null, decidedBy: actor.name });
    await this.emit({ actor: actor.name, node: null, kind: 'discovery.rejected', details: { id, mac: entry.mac, from: actor.from } });
    return done;
  }

  async get(id: number): Promise<DiscoveryEntry> {
    if (!Number.isSafeInteger(id) || id < 1) throw invalid('id must be a positive integer', 'id');
    const e = await this.d.store.entries.get(id);
    if (!e) throw notFound(`discovery entry ${id}`, 'id');
    return e;
  }

  list(status?: DiscoveryStatus): Promise<DiscoveryEntry[]> {
    return this.d.store.entries.list(status);
  }

  listRules(): Promise<DiscoveryRule[]> {
    return this.d.store.rules.list();
  }

  async addRule(rule: NewDiscoveryRule, actor: Actor): Promise<DiscoveryRule> {
    const added = await this.d.store.rules.add(validateRule(rule), this.now());
    await this.emit({ actor: actor.name, node: null, kind: 'discovery.rule-added', details: { rule: added.name, priority: added.priority, match: added.match, namePattern: added.namePattern, groups: added.groups, from: actor.from } });
    return added;
  }

  async removeRule(name: string, actor: Actor): Promise<void> {
    await this.d.store.rules.remove(name);
    await this.emit({ actor: actor.name, node: null, kind: 'discovery.rule-removed', details: { rule: name, from: actor.from } });
  }
}

