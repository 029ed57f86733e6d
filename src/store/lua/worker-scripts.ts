/**
 * Worker registry scripts. Liveness is a key with a PX ttl (refreshed by heartbeats); the info hash
 * outlives it so a dead worker can be noticed and announced as `left` exactly once. Events are kept
 * rare: `joined` when the liveness key was absent, `changed` only when concurrency or served sweeps
 * change (not on every running-count change: started/ended events already tell that).
 */
import { LUA_PRELUDE, type ScriptDef } from './common.js';

const worker = (change: string): string => `'{"type":"worker","workerId":' .. js(ARGV[1]) .. ',"change":"${change}"}'`;

/** KEYS: workers live events. ARGV: id infoJson shape ttlMs. */
export const HEARTBEAT_WORKER: ScriptDef = {
  name: 'ffHeartbeatWorker',
  keys: 3,
  lua: `${LUA_PRELUDE}
local old = redis.call('GET', KEYS[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not old then
  emit(KEYS[3], ${worker('joined')})
elseif old ~= ARGV[3] then
  emit(KEYS[3], ${worker('changed')})
end
return 1
`,
};

/** KEYS: workers live events. ARGV: id. Forgets a worker whose liveness lapsed (once). */
export const REAP_WORKER: ScriptDef = {
  name: 'ffReapWorker',
  keys: 3,
  lua: `${LUA_PRELUDE}
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
emit(KEYS[3], ${worker('left')})
return 1
`,
};

/** KEYS: workers live events. ARGV: id. */
export const REMOVE_WORKER: ScriptDef = {
  name: 'ffRemoveWorker',
  keys: 3,
  lua: `${LUA_PRELUDE}
local n = redis.call('DEL', KEYS[2]) + redis.call('HDEL', KEYS[1], ARGV[1])
if n > 0 then emit(KEYS[3], ${worker('left')}) end
return n
`,
};
