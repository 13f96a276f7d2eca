// Leases in memory, every change written to a journal (the database) before the call that made it resolves: reads
// cost a Map lookup instead of a query, and a storm's changes share one commit. For a store one controller owns
// (SQLite); several controllers on PostgreSQL keep the leases in the database (SqlLeaseStore), where each sees the
// others' writes.
import type { Lease, LeaseClaim, LeaseState, LeaseStore } from './lease-store.ts';
import { MemoryLeaseStore } from './memory-lease-store.ts';
import { oncePerTurn } from '../../lib/per-turn.ts';

/** Where the rows live durably. */
export interface LeaseJournal {
  /** Every row, to start from. */
  load(): Promise<Lease[]>;
  /** All or nothing: `put` rows as they now are (replacing the row of the same address), `drop` addresses' rows. */
  write(change: { put: Lease[]; drop: string[] }): Promise<void>;
}

/** The changes made since the last write began: each touched address's row before its first change, and who waits. */
interface Batch {
  before: Map<string, Lease | undefined>;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

const newBatch = (): Batch => ({ before: new Map(), waiters: [] });

export class JournaledLeaseStore implements LeaseStore {
  readonly #journal: LeaseJournal;
  readonly #mem: MemoryLeaseStore;
  /** Changes not yet being written. */
  #pending = newBatch();
  /** The batch being written, one at a time: a later batch's rows may build on an earlier one's. */
  #writing: Batch | undefined;
  readonly #flushNextTurn = oncePerTurn(() => void this.#flush());

  private constructor(journal: LeaseJournal, rows: readonly Lease[]) {
    this.#journal = journal;
    this.#mem = new MemoryLeaseStore(rows, (ip, before) => {
      if (!this.#pending.before.has(ip)) this.#pending.before.set(ip, before);
    });
  }

  /** Loads the journal's rows: the store answers from memory from then on, so nobody else may write the rows. */
  static async open(journal: LeaseJournal): Promise<JournaledLeaseStore> {
    return new JournaledLeaseStore(journal, await journal.load());
  }

  getByIp(ip: string): Promise<Lease | undefined> {
    return this.#mem.getByIp(ip);
  }

  getByMac(mac: string, subnet: string): Promise<Lease | undefined> {
    return this.#mem.getByMac(mac, subnet);
  }

  list(filter?: { subnet?: string }): Promise<Lease[]> {
    return this.#mem.list(filter);
  }

  oldestFree(subnet: string, now: number, limit: number): Promise<Lease[]> {
    return this.#mem.oldestFree(subnet, now, limit);
  }

  countUnknownOffers(subnet: string, now: number): Promise<number> {
    return this.#mem.countUnknownOffers(subnet, now);
  }

  offer(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.#durably(() => this.#mem.hold(claim, 'offered', now));
  }

  bind(claim: LeaseClaim, now: number): Promise<Lease> {
    return this.#durably(() => this.#mem.hold(claim, 'bound', now));
  }

  release(ip: string, mac: string, now: number): Promise<boolean> {
    return this.#durably(() => this.#mem.transition(ip, mac, now, 'released', now));
  }

  withdrawOffer(ip: string, mac: string, now: number): Promise<boolean> {
    return this.#durably(() => this.#mem.transition(ip, mac, now, 'released', now, OFFERED));
  }

  decline(ip: string, mac: string, until: number, now: number): Promise<boolean> {
    return this.#durably(() => this.#mem.transition(ip, mac, now, 'declined', until));
  }

  expire(now: number): Promise<Lease[]> {
    return this.#durably(() => this.#mem.expireNow(now));
  }

  async settled(): Promise<void> {
    if (this.#pending.before.size > 0) await this.#wait(this.#pending);
    else if (this.#writing) await this.#wait(this.#writing);
  }

  /**
   * Applies the change in memory at once (atomic: no await in between), then resolves with its result when the
   * batch holding it is written. A call that changed nothing still waits for the changes it may have read, so no
   * answer rests on a row that a failed write is about to take back.
   */
  async #durably<T>(change: () => T): Promise<T> {
    const result = change();
    await this.settled();
    return result;
  }

  #wait(batch: Batch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      batch.waiters.push({ resolve, reject });
      if (batch === this.#pending) this.#schedule();
    });
  }

  /**
   * Group commit: what arrives in one turn of the event loop (a burst of DISCOVERs and REQUESTs) and while the
   * previous batch is written goes in one write.
   */
  #schedule(): void {
    if (!this.#writing) this.#flushNextTurn();
  }

  async #flush(): Promise<void> {
    if (this.#writing || this.#pending.before.size === 0 && this.#pending.waiters.length === 0) return;
    const batch = this.#pending;
    this.#pending = newBatch();
    this.#writing = batch;
    const put: Lease[] = [];
    const drop: string[] = [];
    for (const ip of batch.before.keys()) {
      const row = this.#mem.row(ip);
      if (row) put.push(row);
      else drop.push(ip);
    }
    try {
      if (put.length > 0 || drop.length > 0) await this.#journal.write({ put, drop });
      this.#writing = undefined;
      for (const w of batch.waiters) w.resolve();
    } catch (e) {
      // Nothing of this batch is written, and what came after it was built on it: take both back, newest first, and
      // fail every call that made them (no reply goes out for a lease that is not on disk).
      const later = this.#pending;
      this.#pending = newBatch();
      this.#writing = undefined;
      this.#mem.restore(later.before);
      this.#mem.restore(batch.before);
      for (const w of [...batch.waiters, ...later.waiters]) w.reject(e);
    }
    if (this.#pending.waiters.length > 0) this.#schedule();
  }
}

const OFFERED: readonly LeaseState[] = ['offered'];
