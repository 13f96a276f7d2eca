// Token buckets per key (MAC) plus one shared bucket: bound how fast unknown machines can make us work.

export interface TokenBucketOptions {
  burst: number;
  perSecond: number;
  /** Most keys tracked; when full, full (idle) buckets are dropped first, then new keys are refused. */
  maxTracked: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class KeyedTokenBucket {
  readonly #buckets = new Map<string, Bucket>();
  readonly #opts: TokenBucketOptions;

  constructor(opts: TokenBucketOptions) {
    this.#opts = opts;
  }

  /** Takes one token for `key` at time `now` (ms); false when the key is out of tokens. */
  take(key: string, now: number): boolean {
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= this.#opts.maxTracked && !this.#evictIdle(now)) return false;
      b = { tokens: this.#opts.burst, at: now };
      this.#buckets.set(key, b);
    }
    this.#refill(b, now);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refill(b: Bucket, now: number): void {
    const elapsed = Math.max(0, now - b.at) / 1000;
    b.tokens = Math.min(this.#opts.burst, b.tokens + elapsed * this.#opts.perSecond);
    b.at = now;
  }

  /** Drops buckets that have refilled completely (their key has been quiet); true if room was made. */
  #evictIdle(now: number): boolean {
    for (const [key, b] of this.#buckets) {
      this.#refill(b, now);
      if (b.tokens >= this.#opts.burst) this.#buckets.delete(key);
    }
    return this.#buckets.size < this.#opts.maxTracked;
  }
}
