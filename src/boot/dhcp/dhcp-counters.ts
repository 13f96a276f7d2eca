// Named counters of the DHCP service (received, malformed/dropped by reason, replies by type, rate limited).

/** Explicit registry of counters; `snapshot()` is what the API/metrics read. */
export class DhcpCounters {
  readonly #values = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  /** e.g. { received: 10, 'malformed.too-short': 1, 'replied.OFFER': 4, 'rate-limited.mac': 2 }. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#values].sort(([a], [b]) => a.localeCompare(b)));
  }
}
