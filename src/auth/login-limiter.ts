// Failed-login throttle per (user, source address): after `max` failures within the window, 429 until it slides by.

export interface LoginLimiterOptions {
  /** Failures allowed per key per window (default 5). */
  max?: number;
  windowMs?: number;
  now?: () => number;
}

/** In memory and per process: enough to make online guessing slow; scrypt makes each guess costly anyway. */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(o: LoginLimiterOptions = {}) {
    this.#max = o.max ?? 5;
    this.#windowMs = o.windowMs ?? 60_000;
    this.#now = o.now ?? Date.now;
  }

  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number {
    const recent = this.#recent(key);
    if (recent.length < this.#max) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.#max]! + this.#windowMs - this.#now()) / 1000));
  }

  fail(key: string): void {
    const recent = this.#recent(key);
    recent.push(this.#now());
    this.#failures.set(key, recent);
    // Bounded memory under a spray of user names: forget the oldest keys.
    if (this.#failures.size > 10_000) for (const k of [...this.#failures.keys()].slice(0, 1000)) this.#failures.delete(k);
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    return (this.#failures.get(key) ?? []).filter((t) => t > since);
  }
}
