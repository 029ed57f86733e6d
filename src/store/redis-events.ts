/**
 * The event log on a Redis stream: XADD by the scripts, XREAD here. Blocking reads use their own
 * connection (a blocked connection cannot serve other commands); concurrent blocking reads on one
 * store take turns on it. Cursors are stream ids; '0-0' means from the start.
 */
import type { Redis } from 'ioredis';
import type { EventBatch, StoreEvent } from '../coordinator/store.js';
import { decodeEvent } from './codec.js';

type XReadReply = Array<[string, Array<[string, string[]]>]> | null;

export class RedisEvents {
  private reader: Redis | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly makeReader: () => Redis,
  ) {}

  async latestCursor(): Promise<string> {
    const last = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0-0';
  }

  async read(cursor: string, blockMs: number, max = 1000): Promise<EventBatch> {
    const block = Math.ceil(blockMs);
    let client = this.redis;
    const args: Array<string | number> = ['COUNT', Math.max(1, Math.floor(max))];
    if (block > 0) {
      this.reader ??= this.makeReader();
      client = this.reader;
      args.push('BLOCK', block);
    }
    args.push('STREAMS', this.key, cursor);
    let reply: XReadReply;
    try {
      reply = (await client.call('XREAD', ...args)) as XReadReply;
    } catch (err) {
      if (this.closed) return { cursor, events: [] };
      throw err;
    }
    const entries = reply?.[0]?.[1] ?? [];
    const events: StoreEvent[] = [];
    let next = cursor;
    for (const [id, fields] of entries) {
      next = id;
      for (let i = 0; i + 1 < fields.length; i += 2) {
        if (fields[i] !== 'e') continue;
        const e = decodeEvent(fields[i + 1]!);
        if (e !== undefined) events.push(e);
      }
    }
    return { cursor: next, events };
  }

  async close(): Promise<void> {
    this.closed = true;
    // A blocked XREAD would hold QUIT back for up to blockMs: drop the reader at once.
    this.reader?.disconnect();
    this.reader = undefined;
  }
}
