// Runs async sections one at a time per key (DHCP pool allocations per subnet, image commits per name) instead of racing.

export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  /**
   * Concurrent DISCOVERs would all pick the same first free address, lose the store's race and give up;
   * queued, each sees the previous one's offer. The store's conflict check still guards other processes.
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
