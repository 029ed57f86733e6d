/**
 * ioredis connections for the queue seam. A caller gives a URL, ioredis options, or a client it
 * owns; we open (and later close) a client only in the first two cases.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';

/** `redis://host:port/db`, ioredis options, or an open client (which the caller keeps and closes). */
export type RedisConnectionSpec = string | RedisOptions | Redis;

export interface OpenedRedis {
  readonly client: Redis;
  /** Closes the client if we opened it; a no-op for a caller's client. */
  release(): Promise<void>;
}

/**
 * Opens (or adopts) a client. `blocking` clients (BullMQ workers) need `maxRetriesPerRequest: null`
 * so a command waits for a reconnect instead of failing; producers keep ioredis' default so an
 * enqueue while Redis is down ends in an error the coordinator can report.
 */
export function openRedis(spec: RedisConnectionSpec, blocking: boolean, onError: (err: Error) => void): OpenedRedis {
  if (spec instanceof Redis) {
    return { client: spec, release: async () => {} };
  }
  const extra: RedisOptions = blocking ? { maxRetriesPerRequest: null } : {};
  const client = typeof spec === 'string' ? new Redis(spec, extra) : new Redis({ ...spec, ...extra });
  // Without a listener ioredis prints "Unhandled error event" on every failed reconnect.
  client.on('error', onError);
  let released = false;
  return {
    client,
    release: async () => {
      if (released) return;
      released = true;
      // QUIT would wait in the offline queue for a connection that may never come.
      if (client.status !== 'ready') {
        client.disconnect();
        return;
      }
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** Deletes every key under `prefix:` with SCAN + UNLINK (never a flush of the whole database); returns how many. */
export async function unlinkPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${globEscape(prefix)}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) n += await client.unlink(...keys);
  } while (cursor !== '0');
  return n;
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
