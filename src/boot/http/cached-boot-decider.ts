// The boot decision for firmware load (a rack booting at once asks for its scripts together): decisions that write
// nothing are reused while the database says nothing they depend on has changed, checked for many requests at once.
import type { BootDecider, BootPlan, BootVia } from '../../domain/provisioning/boot-plan-types.ts';
import { decideNextBoot, type BootState } from '../../domain/provisioning/boot-state.ts';

/** What the cache reads to validate an entry; all of it from the database, so other controllers' writes are seen. */
export interface DecisionFacts {
  /** The inventory generation (moves on every node/group/site change, by any writer: migration 003 triggers). */
  generation(): Promise<number>;
  /** The node holding a MAC, in the inventory of at least that generation. */
  nodeByMac(mac: string): Promise<{ name: string } | undefined>;
  /** Boot states of these nodes (one query). */
  bootStates(nodes: readonly string[]): Promise<readonly BootState[]>;
  now?: () => number;
}

type Decision = { node?: string; plan: BootPlan };
interface Seen { generation: number; node: string | undefined; state: BootState | undefined }
interface Waiter { mac: string; resolve: (s: Seen) => void; reject: (e: unknown) => void }

/** Entries kept; beyond, the oldest go (a site has about as many as it has machines). */
const MAX_ENTRIES = 65_536;
/** Boot states read per query in one check. */
const CHUNK = 500;

/**
 * Decorates the real decider. Per request: one *check* reads the inventory generation and the node's boot state; a
 * check that starts while another runs serves every request that arrived meanwhile (two queries for a whole batch),
 * and a request only ever joins a check that starts after it arrived, so it sees every write committed before it.
 * Reused: unknown MACs and states whose decision writes nothing and reads nothing else (no state, boot, local, env
 * modes, held installs). Never reused: install (a fresh token per request by design), stateless (reads profiles and
 * templates), an expired or one-shot state (the decision writes the fallback). An entry is stored only when a check
 * after the decision still sees what the check before it saw: the decision is then known to match its key.
 */
export class CachedBootDecider implements BootDecider {
  readonly #entries = new Map<string, { key: string; decision: Decision }>();
  /** MAC → node name (or null: unknown) for the generation `#generation`. */
  readonly #nodes = new Map<string, string | null>();
  readonly #texts = new WeakMap<BootState, string>();
  #generation = -1;
  #waiting: Waiter[] = [];
  #checking = false;
  readonly #now: () => number;

  constructor(private readonly inner: BootDecider, private readonly facts: DecisionFacts) {
    this.#now = facts.now ?? Date.now;
  }

  async decide(mac: string, via: BootVia): Promise<Decision> {
    const key = this.#keyOf(await this.#check(mac), via);
    if (key === undefined) return this.inner.decide(mac, via);
    const hit = this.#entries.get(mac);
    if (hit?.key === key) return hit.decision;
    const decision = await this.inner.decide(mac, via);
    if (this.#keyOf(await this.#check(mac), via) === key) {
      this.#entries.delete(mac);
      this.#entries.set(mac, { key, decision });
      if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return decision;
  }

  /** What the decision depends on, as a string; undefined when it must not be reused. */
  #keyOf(seen: Seen, via: BootVia): string | undefined {
    if (!seen.node) return `${seen.generation} ${via} unknown`;
    const { next, expired, consumed } = decideNextBoot(seen.state, this.#now());
    if (expired || consumed || next.kind === 'install' || next.kind === 'stateless') return undefined;
    return `${seen.generation} ${via} ${seen.node} ${seen.state ? this.#text(seen.state) : 'none'}`;
  }

  /** A state row as text, once per row read (a check hands the same row to every request for that node). */
  #text(state: BootState): string {
    let t = this.#texts.get(state);
    if (t === undefined) this.#texts.set(state, (t = JSON.stringify(state)));
    return t;
  }

  #check(mac: string): Promise<Seen> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ mac, resolve, reject });
      if (this.#checking) return;
      this.#checking = true;
      // Not at once: a synchronous store (SQLite) would answer within this request's microtasks, before the other
      // requests read in the same poll phase are parsed; after them (setImmediate), one check serves them all.
      setImmediate(() => void this.#run());
    });
  }

  async #run(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting;
      this.#waiting = [];
      try {
        const seen = await this.#read(batch.map((w) => w.mac));
        batch.forEach((w, i) => w.resolve(seen[i]!));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.#checking = false;
  }

  async #read(macs: readonly string[]): Promise<Seen[]> {
    const generation = await this.facts.generation();
    if (generation !== this.#generation) {
      this.#nodes.clear();
      this.#entries.clear();
      this.#generation = generation;
    }
    for (const mac of new Set(macs)) {
      // Looked up after the generation was read: the name is from that generation or a later one; a later one moves
      // the generation, and the next check drops it.
      if (!this.#nodes.has(mac)) this.#nodes.set(mac, (await this.facts.nodeByMac(mac))?.name ?? null);
    }
    const nodeOf = macs.map((m) => this.#nodes.get(m) ?? undefined);
    // A flood of random MACs must not grow memory: start over (lookups are repeated, answers stay right).
    if (this.#nodes.size > MAX_ENTRIES) this.#nodes.clear();
    const names = [...new Set(nodeOf.filter((n): n is string => n !== undefined))];
    const states = new Map<string, BootState>();
    for (let i = 0; i < names.length; i += CHUNK) for (const s of await this.facts.bootStates(names.slice(i, i + CHUNK))) states.set(s.node, s);
    return nodeOf.map((node) => ({ generation, node, state: node === undefined ? undefined : states.get(node) }));
  }
}
