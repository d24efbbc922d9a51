--[[
  A new fencing epoch, newer than any a checkpoint was written under: should Redis
  have lost the counter's last increments (a restart without persistence, a failover
  to a lagging replica), the epoch of the stored checkpoint still tells how far it went.
  KEYS[1] epoch counter   KEYS[2] model hash
  Returns the new epoch.
]]
local epoch = redis.call('INCR', KEYS[1])
local written = tonumber(redis.call('HGET', KEYS[2], 'epoch') or '0') or 0
if written >= epoch then
  epoch = written + 1
  redis.call('SET', KEYS[1], epoch)
end
return epoch
