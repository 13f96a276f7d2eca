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
  /**
   * The generation and these nodes' boot states in one statement (BootStateRepo.withGeneration), at most CHUNK
   * nodes. Optional: a check whose MACs all have known nodes then costs one query instead of two.
   */
  generationAndStates?(nodes: readonly string[]): Promise<{ generation: number; states: readonly BootState[] }>;
  now?: () => number;
}

type Decision = { node?: string; plan: BootPlan };
interface Key { generation: number; via: BootVia; node: string | undefined; state: BootState | undefined }

/**
 * Same generation, way in, node and boot state, field by field: every read hands back a new state row, and
 * comparing fields is cheaper than the JSON text of each row (3 % of the boot-script path's CPU at one connection).
 */
function sameKey(a: Key, b: Key): boolean {
  if (a.generation !== b.generation || a.via !== b.via || a.node !== b.node) return false;
  if (a.state === b.state) return true;
  if (!a.state || !b.state) return false;
  const x = a.state as unknown as Record<string, unknown>;
  const y = b.state as unknown as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (x[k] !== y[k]) return false;
  return true;
}
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
  readonly #entries = new Map<string, { key: Key; decision: Decision }>();
  /** MAC → node name (or null: unknown) for the generation `#generation`. */
  readonly #nodes = new Map<string, string | null>();
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
    if (hit && sameKey(hit.key, key)) return hit.decision;
    const decision = await this.inner.decide(mac, via);
    const after = this.#keyOf(await this.#check(mac), via);
    if (after && sameKey(after, key)) {
      this.#entries.delete(mac);
      this.#entries.set(mac, { key, decision });
      if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return decision;
  }

  /** What the decision depends on; undefined when it must not be reused. */
  #keyOf(seen: Seen, via: BootVia): Key | undefined {
    if (!seen.node) return { generation: seen.generation, via, node: undefined, state: undefined };
    const { next, expired, consumed } = decideNextBoot(seen.state, this.#now());
    if (expired || consumed || next.kind === 'install' || next.kind === 'stateless') return undefined;
    return { generation: seen.generation, via, node: seen.node, state: seen.state };
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
    // Every MAC already resolved in the current generation: read the generation and the states together. If the
    // generation is still the same, the MAC -> node answers stand and the states are of that same snapshot;
    // otherwise the full read below starts over.
    if (this.facts.generationAndStates && macs.every((m) => this.#nodes.has(m))) {
      const { nodeOf, names } = this.#resolved(macs);
      if (names.length <= CHUNK) {
        const { generation, states } = await this.facts.generationAndStates(names);
        if (generation === this.#generation) return seenOf(generation, nodeOf, new Map(states.map((st) => [st.node, st])));
      }
    }
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
    const { nodeOf, names } = this.#resolved(macs);
    // A flood of random MACs must not grow memory: start over (lookups are repeated, answers stay right).
    if (this.#nodes.size > MAX_ENTRIES) this.#nodes.clear();
    const states = new Map<string, BootState>();
    for (let i = 0; i < names.length; i += CHUNK) for (const s of await this.facts.bootStates(names.slice(i, i + CHUNK))) states.set(s.node, s);
    return seenOf(generation, nodeOf, states);
  }

  /** Each MAC's node from the MAC -> node map (undefined: unknown), and the distinct node names among them. */
  #resolved(macs: readonly string[]): { nodeOf: (string | undefined)[]; names: string[] } {
    const nodeOf = macs.map((m) => this.#nodes.get(m) ?? undefined);
    return { nodeOf, names: [...new Set(nodeOf.filter((n): n is string => n !== undefined))] };
  }
}

function seenOf(generation: number, nodeOf: readonly (string | undefined)[], states: ReadonlyMap<string, BootState>): Seen[] {
  return nodeOf.map((node) => ({ generation, node, state: node === undefined ? undefined : states.get(node) }));
}
