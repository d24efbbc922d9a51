--[[
  Writes a trainer's checkpoint, atomically, only if no newer fencing epoch than the
  writer's is stored and its version is newer than the stored one.
  KEYS[1] model hash   KEYS[2] history list   KEYS[3] epoch counter
  ARGV[1] writer's epoch   ARGV[2] version   ARGV[3] history length to keep
  ARGV[4] history entry (JSON)   ARGV[5] channel to announce the version on ('' = none)
  ARGV[6..] hash field, value, field, value, ...
  Announcing here, in the write itself, tells scorers at the moment the checkpoint exists:
  no round trip between them, and no crash between them that would leave it unannounced.
  Returns {1, version, previous epoch} when written (previous epoch is '' when the
  counter already held the writer's epoch, 'missing' when it was gone, else the lower
  value it held: Redis lost writes, and the writer re-established its epoch),
  {0, 'fenced', stored epoch} when a newer epoch is stored, {0, 'stale', stored version}.
]]
local writer = tonumber(ARGV[1])
local current = redis.call('GET', KEYS[3])
if current and tonumber(current) > writer then
  return {0, 'fenced', current}
end
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return {0, 'stale', stored}
end
local previous = ''
if not current then
  previous = 'missing'
elseif tonumber(current) < writer then
  previous = current
end
if previous ~= '' then
  redis.call('SET', KEYS[3], ARGV[1])
end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('LPUSH', KEYS[2], ARGV[4])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
if ARGV[5] ~= '' then
  redis.call('PUBLISH', ARGV[5], ARGV[2])
end
return {1, ARGV[2], previous}
