/**
 * Redis connections for the store, the stop channel and (later) the queue: one place that decides
 * how a URL becomes an ioredis client and how outages behave.
 *
 * - `redis://[user:password@]host[:port][/db]` and `rediss://…` (TLS) are parsed by ioredis.
 * - `maxRetriesPerRequest: null` and the offline queue stay on: a command issued during an outage
 *   waits for the reconnect instead of failing, so no report is lost (BullMQ requires the same).
 * - Reconnects back off exponentially (100 ms doubling, capped at 3 s) and never give up: workers
 *   outlive Redis restarts. Background loops should not have to handle "connection gave up".
 * - Connection errors are logged once per outage ("unavailable …; reconnecting"), then "reconnected" once:
 *   never one line per retry, and never an unhandled `error` event.
 */
import { Redis, type RedisOptions } from 'ioredis';

export type RedisLog = (message: string) => void;

export interface RedisConnectionOptions {
  /** Default: `$FF_REDIS_URL`, then `$REDIS_URL`, then `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Shown in logs and as the client name (`CLIENT LIST`), e.g. `ff-store`. */
  readonly name?: string;
  /** Where outage messages go; default: one line on stderr. */
  readonly log?: RedisLog;
  /** Connect on first command instead of at once (for connections that may never be used). */
  readonly lazy?: boolean;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function resolveRedisUrl(url?: string): string {
  return url ?? process.env.FF_REDIS_URL ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

const defaultLog: RedisLog = (message) => {
  process.stderr.write(`feature-forge: ${message}\n`);
};

/** Reconnect delay for the n-th consecutive attempt (1-based). */
export function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(times - 1, 0), 5), 3000);
}

export function redisOptions(opts: RedisConnectionOptions = {}): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelay,
    connectionName: opts.name,
    lazyConnect: opts.lazy === true,
  };
}

/** A new client for the URL, with outage logging attached (see the file header). */
export function createRedis(opts: RedisConnectionOptions = {}): Redis {
  const url = resolveRedisUrl(opts.url);
  const client = new Redis(url, redisOptions(opts));
  watchOutages(client, `${opts.name ?? 'redis'} ${redactRedisUrl(url)}`, opts.log ?? defaultLog);
  return client;
}

/** A second connection to the same server with the same options (e.g. for blocking reads). */
export function duplicateRedis(client: Redis, name: string, log: RedisLog = defaultLog): Redis {
  const dup = client.duplicate({ connectionName: name, lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: reconnectDelay });
  const scheme = client.options.tls ? 'rediss' : 'redis';
  watchOutages(dup, `${name} ${scheme}://${client.options.host ?? ''}:${client.options.port ?? ''}`, log);
  return dup;
}

function watchOutages(client: Redis, label: string, log: RedisLog): void {
  let down = false;
  client.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    const msg = (err instanceof Error ? err.message : String(err)).replace(/^Error: /, '');
    log(`${label}: Redis unavailable (${msg}); reconnecting, commands wait until it is back`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log(`${label}: reconnected`);
  });
}

/** QUIT (flushes pending commands), but never hang on a server that is gone. */
export async function quitOrDrop(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'wait') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1000);
    }),
  ]);
  clearTimeout(timer);
  client.disconnect();
}
