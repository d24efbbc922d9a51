--[[
  An operator's write (rollback): compare-and-set on the stored version, no fencing.
  The trainer notices a newer version under its own epoch and resumes from it.
  KEYS[1] model hash   KEYS[2] history list
  ARGV[1] version the operator read   ARGV[2] new version   ARGV[3] history entry (JSON)
  ARGV[4..] hash field, value, ...
  The history is not trimmed here: the operator may not know the trainer's history length,
  and the trainer's next checkpoint trims it to that.
  Returns {1, version} when written, {0, 'conflict', stored version} when someone wrote meanwhile.
]]
local stored = redis.call('HGET', KEYS[1], 'version')
if (stored or '0') ~= ARGV[1] then
  return {0, 'conflict', stored or '0'}
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('LPUSH', KEYS[2], ARGV[3])
return {1, ARGV[2]}
