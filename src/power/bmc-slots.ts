// BmcSlots: one counting semaphore per server, shared by every bulk run, so power.concurrency bounds the BMCs in
// flight in total — two operators running rpower at once do not double it.

export class BmcSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`BmcSlots: size must be a positive integer, got ${size}`);
    this.free = size;
  }

  /** Slots in use now (for tests and metrics). */
  get inUse(): number {
    return this.size - this.free;
  }

  /**
   * Waits for a slot; resolves with its release function (call it once), or with undefined when `signal` aborts
   * first (the caller then finishes without one).
   */
  acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(this.releaser());
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.free++;
    };
  }
}
