import { Redis, type RedisOptions } from 'ioredis';
import type { DependencyHealth, Logger } from '@sonar/runtime';

/** A command with no answer after this long fails (a Redis paused or cut off must not hang a service). */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2000;

/** One Redis server at `url`, or the primary that Sentinels monitor under `sentinelName`. */
export interface RedisConnection {
  url: string;
  /** With them, `url` gives only the credentials and the database. */
  sentinels?: { host: string; port: number }[] | undefined;
  sentinelName?: string | undefined;
}

/** Capped backoff, for ever: a Redis (or Sentinel) restart must not kill a service. */
const reconnectDelay = (attempt: number) => Math.min(200 * attempt, 2000);

/**
 * A Redis client that reconnects for ever (a Redis restart must not kill a service),
 * fails commands fast while disconnected and times out those that get no answer, so
 * callers can retry on their terms.
 */
/** `commandTimeoutMs` 0: no timeout (a subscribed connection waits for messages). */
export function connectRedis(connection: RedisConnection, logger: Logger, name: string, commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS): Redis {
  const redis = new Redis(connection.url, {
    connectionName: name,
    lazyConnect: false,
    // ioredis takes 0 as "time out at once".
    ...(commandTimeoutMs > 0 ? { commandTimeout: commandTimeoutMs } : {}),
    maxRetriesPerRequest: 3,
    retryStrategy: reconnectDelay,
    enableOfflineQueue: true,
    ...(connection.sentinels ? sentinelOptions(connection) : {}),
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

/**
 * ioredis asks the Sentinels for the primary at every (re)connection (for ever, by default,
 * when none answers), and its ready check (INFO) accepts the server only if its role is
 * `master`, else it asks the next Sentinel. Two things it does not do unless told: notice a
 * failover while its connection still works, and leave a primary demoted under it.
 */
function sentinelOptions(connection: RedisConnection): RedisOptions {
  if (!connection.sentinelName) throw new Error('a Sentinel connection needs the name of the primary (REDIS_SENTINEL_NAME)');
  return {
    sentinels: connection.sentinels,
    name: connection.sentinelName,
    role: 'master',
    // Reconnect when a Sentinel announces +switch-master, not only when the old connection breaks.
    failoverDetector: true,
    // A demoted primary refuses writes with READONLY before running them (a script, at its first
    // write, after reads only): reconnect through the Sentinels and send the command again.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
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
