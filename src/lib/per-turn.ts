// A value read once per turn of the event loop: every caller until the loop's next check phase (setImmediate) gets
// the same promise. For readers that may see a state a few microseconds old — a DHCP packet answered as if it had
// arrived just before a concurrent inventory commit — never for a writer reading its own write.

/** Wraps `read` so that calls in the same turn share one call of it; the next turn calls it again. */
export function perTurn<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    if (!current) {
      current = read();
      setImmediate(() => {
        current = undefined;
      });
    }
    return current;
  };
}

/**
 * Wraps `run` so that however many calls come in one turn, it runs once, in the loop's next check phase (after the
 * I/O callbacks of this turn): how a group commit gathers a burst of packets into one write.
 */
export function oncePerTurn(run: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      run();
    });
  };
}
