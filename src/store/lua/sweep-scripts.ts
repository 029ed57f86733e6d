/**
 * Sweep-level scripts: create, change state, claim trials. The claim is the one place where
 * run_cap, the sweep state and finite-space dedupe are decided, in one atomic step, so parallel
 * coordinators or agents can never overshoot a cap or repeat a grid point (wandb#8549, #5247).
 * Optional strings arrive flagged: '' = absent, otherwise one marker character then the value.
 */
import { LUA_PRELUDE, memoScript, type ScriptDef } from './common.js';

/** KEYS: sweep, sweeps, events. ARGV: op id source seed createdAt state ?endedReason ?endedAt sweepJson goal. */
export const CREATE_SWEEP: ScriptDef = {
  name: 'ffCreateSweep',
  keys: 3,
  lua: memoScript(`
  if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
  redis.call('HSET', KEYS[1], 'id', ARGV[2], 'source', ARGV[3], 'seed', ARGV[4], 'createdAt', ARGV[5],
    'state', ARGV[6], 'sweep', ARGV[9], 'goal', ARGV[10], 'next', '0')
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'endedReason', string.sub(ARGV[7], 2)) end
  if ARGV[8] ~= '' then redis.call('HSET', KEYS[1], 'endedAt', string.sub(ARGV[8], 2)) end
  redis.call('SADD', KEYS[2], ARGV[2])
  emit(KEYS[3], '{"type":"sweep","sweepId":' .. js(ARGV[2]) .. ',"state":' .. js(ARGV[6]) .. '}')
  return {'ok'}`),
};

/**
 * KEYS: sweep, events. ARGV: id state ?reason nowIso. Returns the meta fields (empty for an unknown
 * sweep). Idempotent, so no memo; the event is emitted only when the state changes.
 */
export const SET_SWEEP_STATE: ScriptDef = {
  name: 'ffSetSweepState',
  keys: 2,
  lua: `${LUA_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local old = redis.call('HGET', KEYS[1], 'state')
local s = ARGV[2]
local reason = ARGV[3] ~= '' and string.sub(ARGV[3], 2) or nil
redis.call('HSET', KEYS[1], 'state', s)
if s == 'running' then
  redis.call('HDEL', KEYS[1], 'endedReason', 'endedAt')
elseif s == 'paused' then
  redis.call('HDEL', KEYS[1], 'endedAt')
  if reason then redis.call('HSET', KEYS[1], 'endedReason', reason) else redis.call('HDEL', KEYS[1], 'endedReason') end
else
  redis.call('HSET', KEYS[1], 'endedAt', ARGV[4])
  if reason then redis.call('HSET', KEYS[1], 'endedReason', reason) end
end
if old ~= s then emit(KEYS[2], '{"type":"sweep","sweepId":' .. js(ARGV[1]) .. ',"state":' .. js(s) .. '}') end
return redis.call('HMGET', KEYS[1], 'id', 'source', 'seed', 'createdAt', 'state', 'endedReason', 'endedAt')
`,
};

/**
 * KEYS: sweep, sweep keys, events. ARGV: op trialPrefix sweepId ?runCap createdAt count, then per
 * request: ?key paramsJson ?suggestionJson. Returns one item per request: the trial number claimed
 * (digits) or the refusal reason. The cap counts every trial ever claimed (W&B counts all runs).
 */
export const CLAIM_TRIALS: ScriptDef = {
  name: 'ffClaimTrials',
  keys: 3,
  lua: memoScript(`
  local state = redis.call('HGET', KEYS[1], 'state')
  local cap = ARGV[4] ~= '' and tonumber(string.sub(ARGV[4], 2)) or nil
  local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
  local count = tonumber(ARGV[6])
  local out, nums = {}, {}
  for i = 0, count - 1 do
    local b = 7 + i * 3
    local key, params, sugg = ARGV[b], ARGV[b + 1], ARGV[b + 2]
    if state ~= 'running' then
      out[#out + 1] = 'not_running'
    elseif cap and nxt >= cap then
      out[#out + 1] = 'run_cap'
    elseif key ~= '' and redis.call('SADD', KEYS[2], string.sub(key, 2)) == 0 then
      out[#out + 1] = 'duplicate'
    else
      local n = int(nxt)
      local tk = ARGV[2] .. n
      redis.call('HSET', tk, 'number', n, 'params', params, 'state', 'queued', 'attempt', '1', 'dispatch', '1',
        'steps', '0', 'createdAt', ARGV[5])
      if key ~= '' then redis.call('HSET', tk, 'key', string.sub(key, 2)) end
      if sugg ~= '' then redis.call('HSET', tk, 'suggestion', string.sub(sugg, 2)) end
      nxt = nxt + 1
      nums[#nums + 1] = n
      out[#out + 1] = n
    end
  end
  if #nums > 0 then
    redis.call('HSET', KEYS[1], 'next', int(nxt))
    emit(KEYS[3], '{"type":"claimed","sweepId":' .. js(ARGV[3]) .. ',"numbers":[' .. table.concat(nums, ',') .. ']}')
  end
  return out`),
};
