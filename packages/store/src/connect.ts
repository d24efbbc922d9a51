import { Redis } from 'ioredis';
import type { Logger } from '@sonar/runtime';

/**
 * A Redis client that reconnects for ever (a Redis restart must not kill a service)
 * and fails commands fast while disconnected, so callers can retry on their terms.
 */
export function connectRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    enableOfflineQueue: true,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error.message, name }, 'redis connection error; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ name }, 'redis reconnected');
    down = false;
  });
  return redis;
}
