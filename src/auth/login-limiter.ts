// Failed-login throttle per (user, source address): after `max` failures within the window, 429 until it slides by.

import type { LoginFailureLog } from './auth-store.ts';

export interface LoginLimiterOptions {
  /** Failures allowed per key per window (default 5). */
  max?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Counts in the store's failure log, so every controller on one database counts the same failures (in memory, N
 * controllers behind a load balancer gave N budgets). scrypt makes each guess costly anyway; this makes them few.
 */
export class LoginLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #lastPrune = 0;

  constructor(private readonly log: LoginFailureLog, o: LoginLimiterOptions = {}) {
    this.#max = o.max ?? 5;
    this.#windowMs = o.windowMs ?? 60_000;
    this.#now = o.now ?? Date.now;
  }

  /** Seconds until `key` may try again, or 0 when it may try now. */
  async retryAfter(key: string): Promise<number> {
    const now = this.#now();
    const recent = await this.log.recent(key, now - this.#windowMs + 1, this.#max);
    if (recent.length < this.#max) return 0;
    // The max-th newest failure leaves the window first and frees one try.
    return Math.max(1, Math.ceil((recent[this.#max - 1]! + this.#windowMs - now) / 1000));
  }

  async fail(key: string): Promise<void> {
    const now = this.#now();
    await this.log.add(key, now);
    // Old rows count for nothing: drop them now and then (a spray of user names must not grow the table forever).
    if (now - this.#lastPrune > this.#windowMs) {
      this.#lastPrune = now;
      await this.log.prune(now - this.#windowMs);
    }
  }

  async succeed(key: string): Promise<void> {
    await this.log.clear(key);
  }
}

/** The same log in memory (for tests and callers without a store). */
export class MemoryLoginFailureLog implements LoginFailureLog {
  readonly #byKey = new Map<string, number[]>();

  async recent(key: string, since: number, limit: number): Promise<number[]> {
    return (this.#byKey.get(key) ?? []).filter((t) => t >= since).sort((a, b) => b - a).slice(0, limit);
  }

  async add(key: string, at: number): Promise<void> {
    this.#byKey.set(key, [...(this.#byKey.get(key) ?? []), at]);
  }

  async clear(key: string): Promise<void> {
    this.#byKey.delete(key);
  }

  async prune(before: number): Promise<void> {
    for (const [k, ts] of this.#byKey) {
      const kept = ts.filter((t) => t >= before);
      if (kept.length === 0) this.#byKey.delete(k);
      else this.#byKey.set(k, kept);
    }
  }
}
