/**
 * A FIFO counting semaphore: a worker process that serves several sweeps (one consumer per sweep)
 * wraps every processor with `acquire()` so that, across all its consumers, at most `size` trials
 * run at once. FIFO so that a sweep whose job arrived first starts first (no starvation).
 */

/** Gives a slot back; calling it more than once is harmless. */
export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
}

export class SlotAbortedError extends Error {
  override readonly name = 'SlotAbortedError';
  constructor(reason = 'slot acquisition aborted') {
    super(reason);
  }
}

export class SlotLimiter {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`SlotLimiter size must be an integer >= 1 (got ${String(size)})`);
    }
  }

  /** Slots currently held. */
  get inUse(): number {
    return this.used;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a release function once a slot is free. An aborted `signal` rejects the wait
   * with {@link SlotAbortedError} and leaves the queue (a slot already granted is not taken back).
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new SlotAbortedError());
    if (this.used < this.size && this.waiters.length === 0) {
      this.used++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new SlotAbortedError());
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `fn` holding a slot. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter, so `used` is unchanged and no later
      // `acquire()` can jump the queue between the release and the waiter's wake-up.
      if (next) next.grant(this.releaser());
      else this.used--;
    };
  }
}
