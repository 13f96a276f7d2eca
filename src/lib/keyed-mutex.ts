// Runs async sections one at a time per key (DHCP pool allocations per subnet, image commits per name) instead of racing.

export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  /**
   * Runs `fn` after every section queued before it under `key` has settled (a failure does not stop the queue). E.g.
   * concurrent DISCOVERs would all pick the same first free address and lose the store's race; queued, each sees the
   * previous one's offer. Only within this process: the store's own checks still guard other processes.
   */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
