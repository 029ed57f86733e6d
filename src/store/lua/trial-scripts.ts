/**
 * Trial lifecycle scripts. Every worker write is fenced by (attempt, dispatch): a zombie worker
 * whose lease expired, or whose dispatch was handed back and sent again, can never write over the
 * retry. Lease deadlines use the Redis server clock (`TIME`), so worker clocks do not matter.
 * Common ARGV head for fenced scripts: op sweepId number attempt dispatch.
 */
import { LUA_PRELUDE, memoScript, type ScriptDef } from './common.js';

const FENCE = `
  if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
  local t = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'dispatch', 'stopRequested', 'value')
  if t[1] ~= 'running' or t[2] ~= ARGV[4] or t[3] ~= ARGV[5] then return {'superseded'} end`;

/** KEYS: trial sweep leases events. ARGV: op sweepId n attempt dispatch worker leaseMs nowIso member. */
export const START_TRIAL: ScriptDef = {
  name: 'ffStartTrial',
  keys: 4,
  lua: memoScript(
    `
  if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
  local t = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'dispatch')
  if t[1] ~= 'queued' or t[2] ~= ARGV[4] or t[3] ~= ARGV[5] then return {'superseded'} end
  local ss = redis.call('HGET', KEYS[2], 'state')
  if ss == 'stopped' or ss == 'cancelled' then
    redis.call('HSET', KEYS[1], 'state', 'stopped', 'stopReason', 'sweep ' .. ss .. ' before the trial started',
      'endedAt', ARGV[8])
    emit(KEYS[4], ended_json(ARGV[2], ARGV[3], ARGV[4], 'stopped'))
    return {'sweep_inactive'}
  end
  local deadline = nowms() + tonumber(ARGV[7])
  redis.call('HSET', KEYS[1], 'state', 'running', 'worker', ARGV[6], 'leaseUntil', int(deadline), 'startedAt', ARGV[8])
  redis.call('ZADD', KEYS[3], int(deadline), ARGV[9])
  emit(KEYS[4], '{"type":"started","sweepId":' .. js(ARGV[2]) .. ',"number":' .. ARGV[3] .. ',"attempt":' .. ARGV[4] ..
    ',"worker":' .. js(ARGV[6]) .. '}')
  return {'ok'}`,
    ['ok'],
  ),
};

/** KEYS: trial leases. ARGV: attempt dispatch leaseMs member. Idempotent: 1 renewed, 0 not. */
export const RENEW_LEASE: ScriptDef = {
  name: 'ffRenewLease',
  keys: 2,
  lua: `${LUA_PRELUDE}
local t = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'dispatch')
if t[1] ~= 'running' or t[2] ~= ARGV[1] or t[3] ~= ARGV[2] then return 0 end
local deadline = nowms() + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'leaseUntil', int(deadline))
redis.call('ZADD', KEYS[2], int(deadline), ARGV[4])
return 1
`,
};

/**
 * KEYS: trial hist steps sweep events. ARGV: op sweepId n attempt dispatch metricsJson ?value at.
 * Returns ok, the 0-based step index, and the requested stop reason ('' when none). `value` keeps
 * the best value so far under the sweep's goal (W&B: a run's objective is its best logged value).
 */
export const APPEND_STEP: ScriptDef = {
  name: 'ffAppendStep',
  keys: 5,
  lua: memoScript(`${FENCE}
  local idx = redis.call('HINCRBY', KEYS[1], 'steps', 1) - 1
  redis.call('RPUSH', KEYS[3], ARGV[6])
  redis.call('HSET', KEYS[1], 'lastMetrics', ARGV[6])
  local vjson = ''
  if ARGV[7] ~= '' then
    redis.call('RPUSH', KEYS[2], ARGV[7])
    local v = tonumber(ARGV[7])
    local best = t[5] and tonumber(t[5]) or nil
    local maximize = redis.call('HGET', KEYS[4], 'goal') == 'maximize'
    if best == nil or (maximize and v > best) or (not maximize and v < best) then
      redis.call('HSET', KEYS[1], 'value', ARGV[7])
    end
    vjson = ',"value":' .. ARGV[7]
  end
  emit(KEYS[5], '{"type":"step","sweepId":' .. js(ARGV[2]) .. ',"number":' .. ARGV[3] .. ',"attempt":' .. ARGV[4] ..
    ',"step":' .. int(idx) .. vjson .. ',"at":' .. ARGV[8] .. '}')
  return {'ok', int(idx), t[4] or ''}`),
};

/**
 * KEYS: trial leases events. ARGV: op sweepId n attempt dispatch status reason error ?exitCode
 * ?stderrTail nowIso member. Ends a running trial exactly once; `stopped` keeps the reason of an
 * earlier stop request (the coordinator's explanation beats the worker's "terminated").
 */
export const END_TRIAL: ScriptDef = {
  name: 'ffEndTrial',
  keys: 3,
  lua: memoScript(`${FENCE}
  local status = ARGV[6]
  redis.call('HSET', KEYS[1], 'state', status, 'endedAt', ARGV[11])
  if status == 'stopped' then
    redis.call('HSET', KEYS[1], 'stopReason', t[4] or ARGV[7])
  elseif status == 'failed' then
    redis.call('HSET', KEYS[1], 'error', ARGV[8])
    if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'exitCode', string.sub(ARGV[9], 2)) end
    if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'stderrTail', string.sub(ARGV[10], 2)) end
  end
  redis.call('ZREM', KEYS[2], ARGV[12])
  emit(KEYS[3], ended_json(ARGV[2], ARGV[3], ARGV[4], status))
  return {'ok'}`),
};

/**
 * KEYS: trial hist steps stepsArchive leases events. ARGV: op sweepId n attempt dispatch maxAttempts
 * why nowIso member. Acts only if the trial still runs under exactly this lease and the lease is
 * past (server clock). A trial whose stop was requested is not retried: it ends stopped.
 */
export const RECOVER_EXPIRED: ScriptDef = {
  name: 'ffRecoverExpired',
  keys: 6,
  lua: memoScript(
    `
  local t = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'dispatch', 'stopRequested', 'leaseUntil')
  if t[1] ~= 'running' or t[2] ~= ARGV[4] or t[3] ~= ARGV[5] then
    redis.call('ZREM', KEYS[5], ARGV[9])
    return {'gone'}
  end
  if tonumber(t[5] or '0') > nowms() then return {'alive'} end
  redis.call('ZREM', KEYS[5], ARGV[9])
  local attempt = tonumber(ARGV[4])
  if t[4] then
    redis.call('HSET', KEYS[1], 'state', 'stopped', 'stopReason', t[4], 'endedAt', ARGV[8])
    emit(KEYS[6], ended_json(ARGV[2], ARGV[3], ARGV[4], 'stopped'))
    return {'stopped'}
  end
  if attempt < tonumber(ARGV[6]) then
    if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[4]) end
    redis.call('DEL', KEYS[2])
    redis.call('HDEL', KEYS[1], 'worker', 'leaseUntil', 'startedAt', 'value', 'lastMetrics', 'decision')
    redis.call('HSET', KEYS[1], 'state', 'queued', 'attempt', int(attempt + 1), 'dispatch', '1', 'steps', '0')
    emit(KEYS[6], requeued_json(ARGV[2], ARGV[3], int(attempt + 1), '1', ARGV[7]))
    return {'requeued'}
  end
  redis.call('HSET', KEYS[1], 'state', 'failed', 'endedAt', ARGV[8],
    'error', 'worker lost (lease expired) after ' .. int(attempt) .. ' attempts')
  emit(KEYS[6], ended_json(ARGV[2], ARGV[3], ARGV[4], 'failed'))
  return {'failed'}`,
    ['requeued'],
  ),
};

/**
 * KEYS: trial hist steps leases events. ARGV: op sweepId n attempt dispatch why nowIso member.
 * Same attempt, next dispatch; the attempt's partial history is dropped (it starts over).
 */
export const HAND_BACK: ScriptDef = {
  name: 'ffHandBack',
  keys: 5,
  lua: memoScript(
    `${FENCE}
  redis.call('ZREM', KEYS[4], ARGV[8])
  if t[4] then
    redis.call('HSET', KEYS[1], 'state', 'stopped', 'stopReason', t[4], 'endedAt', ARGV[7])
    emit(KEYS[5], ended_json(ARGV[2], ARGV[3], ARGV[4], 'stopped'))
    return {'stopped'}
  end
  local dispatch = tonumber(ARGV[5]) + 1
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('HDEL', KEYS[1], 'worker', 'leaseUntil', 'startedAt', 'value', 'lastMetrics', 'decision')
  redis.call('HSET', KEYS[1], 'state', 'queued', 'dispatch', int(dispatch), 'steps', '0')
  emit(KEYS[5], requeued_json(ARGV[2], ARGV[3], ARGV[4], int(dispatch), ARGV[6]))
  return {'requeued'}`,
    ['requeued'],
  ),
};

/**
 * KEYS: trial events. ARGV: sweepId n reason ?decisionJson nowIso channel noticeJson.
 * A queued trial has no process to signal: it ends stopped at once. A running one gets the
 * request recorded (returned by its next appendStep) and a pub/sub notice. Returns 1 if acted.
 */
export const REQUEST_STOP: ScriptDef = {
  name: 'ffRequestStop',
  keys: 2,
  lua: `${LUA_PRELUDE}
local t = redis.call('HMGET', KEYS[1], 'state', 'attempt')
if t[1] ~= 'queued' and t[1] ~= 'running' then return 0 end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'decision', string.sub(ARGV[4], 2)) end
if t[1] == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'stopped', 'stopReason', ARGV[3], 'endedAt', ARGV[5])
  emit(KEYS[2], ended_json(ARGV[1], ARGV[2], t[2], 'stopped'))
  return 1
end
redis.call('HSETNX', KEYS[1], 'stopRequested', ARGV[3])
redis.call('PUBLISH', ARGV[6], ARGV[7])
return 1
`,
};

/** KEYS: trial. ARGV: decisionJson. */
export const SET_DECISION: ScriptDef = {
  name: 'ffSetDecision',
  keys: 1,
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'decision', ARGV[1])
return 1
`,
};
