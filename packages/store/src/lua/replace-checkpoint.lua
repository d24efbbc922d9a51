--[[
  An operator's write (rollback): compare-and-set on the stored version, no fencing.
  The trainer notices a newer version under its own epoch and resumes from it.
  KEYS[1] model hash   KEYS[2] history list
  ARGV[1] version the operator read   ARGV[2] new version   ARGV[3] history length to keep
  ARGV[4] history entry (JSON)   ARGV[5..] hash field, value, ...
  Returns {1, version} when written, {0, 'conflict', stored version} when someone wrote meanwhile.
]]
local stored = redis.call('HGET', KEYS[1], 'version')
if (stored or '0') ~= ARGV[1] then
  return {0, 'conflict', stored or '0'}
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
-- The operator may not know the trainer's history length: never keep fewer entries than there are.
local keep = math.max(tonumber(ARGV[3]), redis.call('LLEN', KEYS[2]) + 1)
redis.call('LPUSH', KEYS[2], ARGV[4])
redis.call('LTRIM', KEYS[2], 0, keep - 1)
return {1, ARGV[2]}
