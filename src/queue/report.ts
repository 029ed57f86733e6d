/** Error reporting for the queue seam's background callbacks, which must never throw. */

/**
 * Wraps `onError` so that each error object is reported once, however many emitters forward it
 * (an error of a client shared by several BullMQ queues reaches every one of them), and so that a
 * faulty handler cannot throw out of an event callback.
 */
export function onceReporter(onError: ((err: Error) => void) | undefined): (err: unknown) => void {
  const seen = new WeakSet<object>();
  return (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    if (seen.has(e)) return;
    seen.add(e);
    try {
      onError?.(e);
    } catch {
      // Swallowed on purpose: background loops never throw (STYLE.md).
    }
  };
}
