import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Credentials } from './credentials.ts';

/** What any client needs to connect: ioredis' ready check (INFO) and its connection name. */
const CONNECTION = ['ping', 'info', 'client|setname'];

/**
 * The service users. Commands a Lua script calls are checked against its caller's rights too,
 * so the trainer needs what its checkpoint scripts call (GET SET HGET HSET LPUSH LTRIM).
 * The scorer's keys are read-only (%R~) besides its commands being reads.
 */
const SERVICE_USERS = {
  trainer: { keys: '~', commands: ['evalsha', 'eval', 'get', 'set', 'incr', 'hget', 'hgetall', 'hset', 'lpush', 'ltrim', 'publish'] },
  scorer: { keys: '%R~', commands: ['get', 'hget', 'hmget', 'hgetall', 'lrange', 'subscribe'] },
} as const;

export type RedisUser = 'admin' | keyof typeof SERVICE_USERS;
const SERVICES = Object.keys(SERVICE_USERS) as (keyof typeof SERVICE_USERS)[];

/** Redis' ACL file: passwords only as SHA-256; `default` off, so a connection without credentials can do nothing. */
export function redisAclFile(credentials: Credentials, prefix: string): string {
  const sha256 = (password: string) => `#${createHash('sha256').update(password).digest('hex')}`;
  const lines = [
    'user default off resetkeys resetchannels -@all',
    `user admin on ${sha256(credentials.admin)} ~* &* +@all`,
    ...SERVICES.map((user) =>
      [`user ${user} on ${sha256(credentials[user])} resetkeys resetchannels -@all`, ...patterns(user, prefix), ...[...CONNECTION, ...SERVICE_USERS[user].commands].map((c) => `+${c}`)].join(' '),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The service users reach another prefix too (a test's own), with the same rights; as long as Redis runs. */
export async function grantRedisPrefix(admin: Redis, prefix: string): Promise<void> {
  for (const user of SERVICES) await admin.call('ACL', 'SETUSER', user, ...patterns(user, prefix));
}

/** A deployment's keys are `<prefix>:model:<model>...`, its channels `<prefix>:model:<model>:updated`. */
function patterns(user: keyof typeof SERVICE_USERS, prefix: string): string[] {
  return [`${SERVICE_USERS[user].keys}${prefix}:model:*`, `&${prefix}:model:*:updated`];
}
