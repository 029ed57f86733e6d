/** Redis options shared by the distributed commands, and opening the store with a clear error. */
import { EXIT, FFError, describeError } from '../core/errors.js';
import { redactRedisUrl, resolveRedisUrl } from '../store/redis-connection.js';
import { RedisTrialStore } from '../store/redis-store.js';
import { settings } from './settings.js';

export const REDIS_OPTIONS = {
  redis: {
    type: 'string',
    describe: 'Redis URL: redis://[user:password@]host:port[/db], rediss:// for TLS (env REDIS_URL)',
    defaultDescription: '$FF_REDIS_URL, $REDIS_URL or redis://127.0.0.1:6379',
  },
  prefix: {
    type: 'string',
    describe: 'Key prefix that separates deployments (and test runs) sharing one Redis (env FF_REDIS_PREFIX)',
    defaultDescription: '$FF_REDIS_PREFIX or ff',
  },
} as const;

export interface RedisArgs {
  redis?: string;
  prefix?: string;
}

export function redisPrefix(args: RedisArgs): string {
  const p = args.prefix ?? settings().redis.prefix;
  if (p === '' || /\s/.test(p)) throw new FFError('FF_USAGE', `--prefix must be a non-empty word without spaces (got '${p}')`, EXIT.usage);
  return p;
}

export function redisUrl(args: RedisArgs): string {
  const url = resolveRedisUrl(args.redis === '' || args.redis === undefined ? settings().redis.url : args.redis);
  if (!/^rediss?:\/\//.test(url)) {
    throw new FFError('FF_USAGE', `the Redis URL must look like redis://[user:password@]host:port[/db] or rediss://… (got '${url}'); note that a bare --redis takes the next word as its value`, EXIT.usage);
  }
  return url;
}

/** True when the user pointed at a Redis (flag or environment), for commands where it is optional. */
export function redisConfigured(args: RedisArgs): boolean {
  return args.redis !== undefined || settings().redis.url !== undefined; // a bare `--redis` means the default URL
}

/** Opens the Redis trial store and checks that the server answers within `timeoutMs`. */
export async function openRedisStore(args: RedisArgs, log: (line: string) => void, timeoutMs = 5000): Promise<RedisTrialStore> {
  const url = redisUrl(args);
  const store = new RedisTrialStore({ url, prefix: redisPrefix(args), log });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw new FFError(
      'FF_REDIS',
      `cannot reach Redis at ${redactRedisUrl(url)} (${describeError(err)}); start one (e.g. \`redis-server\` or \`docker compose up redis\`) or pass --redis URL`,
    );
  } finally {
    if (timer) clearTimeout(timer);
  }
  return store;
}

/** A timestamped line on stderr, for long-running processes. */
export function logLine(who: string): (line: string) => void {
  return (line) => process.stderr.write(`${new Date().toISOString()} ${who}: ${line}\n`);
}
