--[[
  Writes a trainer's checkpoint, atomically, only if the writer still holds the
  current fencing epoch and its version is newer than the stored one.
  KEYS[1] model hash   KEYS[2] history list   KEYS[3] epoch counter
  ARGV[1] writer's epoch   ARGV[2] version   ARGV[3] history length to keep
  ARGV[4] history entry (JSON)   ARGV[5..] hash field, value, field, value, ...
  Returns {1, version} when written, {0, 'fenced', current epoch} or {0, 'stale', stored version}.
]]
local current = redis.call('GET', KEYS[3])
if current and current ~= ARGV[1] then
  return {0, 'fenced', current}
end
if not current then
  -- The counter is gone (a Redis restart without persistence): the writer re-establishes it.
  redis.call('SET', KEYS[3], ARGV[1])
end
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return {0, 'stale', stored}
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('LPUSH', KEYS[2], ARGV[4])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
return {1, ARGV[2]}
