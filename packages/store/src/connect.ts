import { Redis } from 'ioredis';
import type { DependencyHealth, Logger } from '@sonar/runtime';

/** A command with no answer after this long fails (a Redis paused or cut off must not hang a service). */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2000;

/**
 * A Redis client that reconnects for ever (a Redis restart must not kill a service),
 * fails commands fast while disconnected and times out those that get no answer, so
 * callers can retry on their terms.
 */
/** `commandTimeoutMs` 0: no timeout (a subscribed connection waits for messages). */
export function connectRedis(url: string, logger: Logger, name: string, commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    // ioredis takes 0 as "time out at once".
    ...(commandTimeoutMs > 0 ? { commandTimeout: commandTimeoutMs } : {}),
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

/** PINGs Redis every `intervalMs` and tells `health` whether it answered; returns a function that stops it. */
export function probeRedis(redis: Redis, health: DependencyHealth, intervalMs = 1000): () => void {
  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    probing = true;
    redis
      .ping()
      .then(() => health.ok('redis'), (error: unknown) => health.failed('redis', error instanceof Error ? error.message : String(error)))
      .finally(() => (probing = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
