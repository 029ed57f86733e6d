/**
 * The memory store's event log: an array with sequence numbers as cursors ('0' or '0-0' = from
 * the start). A blocked reader waits on a promise resolved by the next append (no polling).
 * Like the Redis stream it keeps about the last 100 000 events. Also the in-process stand-in for
 * the Redis stop channel.
 */
import type { EventBatch, StopChannel, StopNotice, StoreEvent } from '../coordinator/store.js';

const KEEP = 100_000;

export class MemoryEventLog {
  private events: StoreEvent[] = [];
  /** Sequence number of events[0]. */
  private first = 1;
  private waiters: Array<() => void> = [];
  private closed = false;

  append(event: StoreEvent): void {
    this.events.push(event);
    if (this.events.length > KEEP + KEEP / 10) {
      const drop = this.events.length - KEEP;
      this.events.splice(0, drop);
      this.first += drop;
    }
    this.wakeAll();
  }

  latest(): string {
    return String(this.first + this.events.length - 1);
  }

  async read(cursor: string, blockMs: number, max = 1000): Promise<EventBatch> {
    const parsed = cursor === '0-0' ? 0 : Number(cursor);
    let after = Number.isFinite(parsed) ? Math.max(parsed, this.first - 1) : this.first - 1;
    const last = (): number => this.first + this.events.length - 1;
    if (last() <= after && blockMs > 0 && !this.closed) await this.waitForAppend(blockMs);
    after = Math.max(after, this.first - 1);
    const start = after - this.first + 1;
    const events = this.events.slice(start, start + Math.max(1, Math.floor(max)));
    return { cursor: String(after + events.length), events: events.map((e) => structuredClone(e)) };
  }

  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  private waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.push(done);
    });
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Stop notices within one process; delivered asynchronously, like pub/sub. */
export class MemoryStopHub {
  private readonly listeners = new Set<(notice: StopNotice) => void>();

  publish(notice: StopNotice): void {
    for (const listener of this.listeners) queueMicrotask(() => listener({ ...notice }));
  }

  channel(): StopChannel {
    const mine = new Set<(notice: StopNotice) => void>();
    return {
      subscribe: async (onStop) => {
        const safe = (n: StopNotice): void => {
          try {
            onStop(n);
          } catch {
            // a listener's failure must not reach the store
          }
        };
        mine.add(safe);
        this.listeners.add(safe);
      },
      close: async () => {
        for (const l of mine) this.listeners.delete(l);
        mine.clear();
      },
    };
  }
}
