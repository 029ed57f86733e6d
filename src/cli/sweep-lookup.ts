/** Finding one sweep by id or prefix, in the runs folder or Redis: shared by `ff status` and `ff compare`. */
import { EXIT, FFError } from '../core/errors.js';
import { redactRedisUrl } from '../store/redis-connection.js';
import { redisPrefix, redisUrl, type RedisArgs } from './redis.js';

/** A sweep id or a unique prefix of one. */
export function pickSweepId(ids: readonly string[], id: string): string | undefined {
  if (ids.includes(id)) return id;
  const matches = ids.filter((x) => x.startsWith(id));
  if (matches.length > 1) throw new FFError('FF_USAGE', `sweep id '${id}' is ambiguous: ${matches.join(', ')}`, EXIT.usage);
  return matches[0];
}

/** How a Redis deployment is named in messages (the password redacted). */
export function redisLocation(args: RedisArgs): string {
  return `redis ${redactRedisUrl(redisUrl(args))} prefix ${redisPrefix(args)}`;
}

export interface LookupPlaces {
  /** The runs folder searched. */
  readonly dir: string;
  /** The Redis searched, as {@link redisLocation} names it; undefined when none was. */
  readonly redis?: string;
  /** The user pointed at a Redis (even if it was not searched). */
  readonly redisConfigured: boolean;
}

/** The error for an id found nowhere; it says where we looked and how to look in Redis too. */
export function sweepNotFound(id: string, places: LookupPlaces, exitCode: number = EXIT.failure): FFError {
  const hint = places.redis !== undefined ? ` or in ${places.redis}` : places.redisConfigured ? '' : ' (for sweeps in Redis pass --redis or set REDIS_URL)';
  return new FFError('FF_NOT_FOUND', `no sweep '${id}' in ${places.dir}${hint}`, exitCode);
}
