/**
 * Lua shared by every store script (Redis ≥ 5: streams; scripts are replicated by effects, so
 * `TIME` and `XADD *` may be followed by writes). Numbers that must round-trip exactly (metric
 * values, report times) arrive as strings formatted by JavaScript and are spliced into JSON
 * untouched: Lua's own number formatting keeps only 14 significant digits.
 */

export interface ScriptDef {
  /** ioredis `defineCommand` name (prefixed so it never shadows a Redis command). */
  readonly name: string;
  readonly keys: number;
  readonly lua: string;
}

export const LUA_PRELUDE = `
local function js(s) return cjson.encode(s) end
local function int(x) return string.format('%.0f', x) end
local function nowms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function emit(stream, json)
  redis.call('XADD', stream, 'MAXLEN', '~', '100000', '*', 'e', json)
end
-- Replay memo. ioredis resends a command whose reply was lost in a reconnect; a mutation that
-- already ran answers what it answered the first time instead of running again.
local function memo_get(key, op)
  if op == '' then return nil end
  local r = redis.call('HMGET', key, 'op', 'opr')
  if r[1] == op and r[2] then return cjson.decode(r[2]) end
  return nil
end
local function memo_put(key, op, res)
  if op ~= '' and redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'op', op, 'opr', cjson.encode(res))
  end
  return res
end
-- A hash as a flat field/value list without the memo fields.
local function dump(key)
  local h = redis.call('HGETALL', key)
  local out = {}
  for i = 1, #h, 2 do
    if h[i] ~= 'op' and h[i] ~= 'opr' then
      out[#out + 1] = h[i]
      out[#out + 1] = h[i + 1]
    end
  end
  return out
end
local function ended_json(sweep, n, attempt, state)
  return '{"type":"ended","sweepId":' .. js(sweep) .. ',"number":' .. n .. ',"attempt":' .. attempt ..
    ',"state":"' .. state .. '"}'
end
local function requeued_json(sweep, n, attempt, dispatch, why)
  return '{"type":"requeued","sweepId":' .. js(sweep) .. ',"number":' .. n .. ',"attempt":' .. attempt ..
    ',"dispatch":' .. dispatch .. ',"why":' .. js(why) .. '}'
end
`;

/**
 * Wraps a script body (the inside of a function returning a list whose first item is a status) with
 * the prelude and the replay memo on KEYS[1] (op id in ARGV[1]). When the status is one of
 * `dumpOn`, the hash at KEYS[1] is appended (after the memo, so the memo stays small).
 */
export function memoScript(body: string, dumpOn: readonly string[] = []): string {
  const dump = dumpOn.length === 0 ? '' : `
if ${dumpOn.map((s) => `res[1] == '${s}'`).join(' or ')} then
  local d = dump(KEYS[1])
  for i = 1, #d do res[#res + 1] = d[i] end
end`;
  return `${LUA_PRELUDE}
local function run()
${body}
end
local res = memo_get(KEYS[1], ARGV[1])
if not res then res = memo_put(KEYS[1], ARGV[1], run()) end${dump}
return res
`;
}
