/**
 * Stop notices for workers over Redis pub/sub (`<prefix>:stop`), the side channel BullMQ lacks for
 * running jobs (reference §4.5). Pub/sub is fire-and-forget: a notice sent while this subscriber
 * is disconnected is lost, which is why the request is also recorded in the trial and returned by
 * the worker's next `appendStep`. ioredis re-subscribes after reconnects (`autoResubscribe`).
 */
import type { Redis } from 'ioredis';
import type { StopChannel, StopNotice } from '../coordinator/store.js';
import { createRedis, duplicateRedis, quitOrDrop, type RedisLog } from './redis-connection.js';
import { RedisKeys } from './redis-keys.js';

export interface RedisStopChannelOptions {
  /** Default: `$FF_REDIS_URL`, `$REDIS_URL`, then `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Key prefix of the store it belongs to; default `ff`. */
  readonly prefix?: string;
  /** Subscribe on a duplicate of this client instead of connecting to `url`. */
  readonly client?: Redis;
  readonly log?: RedisLog;
}

export class RedisStopChannel implements StopChannel {
  readonly channel: string;
  private sub: Redis | undefined;
  private subscribed: Promise<unknown> | undefined;
  private readonly listeners = new Set<(notice: StopNotice) => void>();

  constructor(private readonly opts: RedisStopChannelOptions = {}) {
    this.channel = new RedisKeys(opts.prefix ?? 'ff').stopChannel();
  }

  /** Resolves once the subscription is active: notices published after that are delivered. */
  async subscribe(onStop: (notice: StopNotice) => void): Promise<void> {
    this.listeners.add(onStop);
    if (this.subscribed !== undefined) {
      await this.subscribed;
      return;
    }
    const sub = this.opts.client
      ? duplicateRedis(this.opts.client, 'ff-stop', this.opts.log)
      : createRedis({ url: this.opts.url, name: 'ff-stop', log: this.opts.log });
    this.sub = sub;
    sub.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const notice = parseNotice(message);
      if (notice === undefined) return;
      for (const listener of this.listeners) {
        try {
          listener(notice);
        } catch {
          // a listener's failure must not silence the others
        }
      }
    });
    this.subscribed = sub.subscribe(this.channel);
    await this.subscribed;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const sub = this.sub;
    this.sub = undefined;
    this.subscribed = undefined;
    if (sub !== undefined) await quitOrDrop(sub);
  }
}

function parseNotice(message: string): StopNotice | undefined {
  try {
    const n = JSON.parse(message) as Partial<StopNotice>;
    if (typeof n.sweepId === 'string' && typeof n.number === 'number' && typeof n.reason === 'string') {
      return { sweepId: n.sweepId, number: n.number, reason: n.reason };
    }
  } catch {
    // not ours
  }
  return undefined;
}
