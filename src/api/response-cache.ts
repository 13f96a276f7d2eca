// Serialised large list responses, keyed by inventory generation and URL: a repeated `nodels all` over 10,000
// nodes is sent from memory until the inventory changes (any change moves the generation and misses the cache).

const MAX_ENTRIES = 8;
const MIN_BYTES = 64 * 1024;

export class ResponseCache {
  private readonly entries = new Map<string, string>();

  get(generation: number, url: string): string | undefined {
    const key = `${generation} ${url}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
    }
    return hit;
  }

  /** Serialises `value`, keeps it if it is large enough to be worth it, and returns the JSON text. */
  put(generation: number, url: string, value: unknown): string {
    const json = JSON.stringify(value);
    if (json.length >= MIN_BYTES) {
      for (const key of this.entries.keys()) if (!key.startsWith(`${generation} `)) this.entries.delete(key);
      this.entries.set(`${generation} ${url}`, json);
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return json;
  }
}
