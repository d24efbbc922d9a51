import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { explainRefusal, REDIS_CONNECTION_ERROR, type DependencyHealth, type Logger } from '@sonar/runtime';

/** A command with no answer after this long fails (a Redis paused or cut off must not hang a service). */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2000;

/** A client of one server (or the Sentinels' primary), or of a Redis Cluster: the same commands and events. */
export type RedisClient = Redis | Cluster;

/**
 * The connection that runs the commands on `key`: the client itself, or on a cluster the
 * master that owns the key's slot in the client's slot map (undefined before it has one).
 */
export function connectionOf(redis: RedisClient, key: string): Redis | undefined {
  if (!(redis instanceof Cluster)) return redis;
  const owner = redis.slots[calculateSlot(key)]?.[0];
  return redis.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === owner);
}

/** One Redis server at `url`, the primary that Sentinels monitor under `sentinelName`, or a Redis Cluster. */
export interface RedisConnection {
  url: string;
  /** The CA (PEM) a rediss:// server's certificate must chain to; without it, Node's own CAs. */
  tls?: { ca: string } | undefined;
  /** With them, `url` gives only the credentials and the database. */
  sentinels?: { host: string; port: number }[] | undefined;
  sentinelName?: string | undefined;
  /** Seeds of a cluster (the client learns the others from them); `url` gives only the credentials and TLS. */
  clusterNodes?: { host: string; port: number }[] | undefined;
}

/** Capped backoff, for ever: a Redis (or Sentinel) restart must not kill a service. */
const reconnectDelay = (attempt: number) => Math.min(200 * attempt, 2000);

/**
 * A Redis client that reconnects for ever (a Redis restart must not kill a service),
 * fails commands fast while disconnected and times out those that get no answer, so
 * callers can retry on their terms.
 */
/** `commandTimeoutMs` 0: no timeout (a subscribed connection waits for messages). */
export function connectRedis(connection: RedisConnection, logger: Logger, name: string, commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS): RedisClient {
  const options: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    // ioredis takes 0 as "time out at once".
    ...(commandTimeoutMs > 0 ? { commandTimeout: commandTimeoutMs } : {}),
    maxRetriesPerRequest: 3,
    retryStrategy: reconnectDelay,
    enableOfflineQueue: true,
  };
  const redis = connection.clusterNodes
    ? new Cluster(connection.clusterNodes, clusterOptions(connection, options, { clusterRetryStrategy: reconnectDelay }))
    : new Redis(connection.url, { ...options, ...serverOptions(connection) });
  let down = false;
  let wasReady = false;
  redis.on('error', (error: Error) => {
    // A refusal before the first ready is firstContact's to report, as the reason to stop.
    if (!down && (wasReady || !refusal(error))) logger.warn({ err: error.message, name }, 'redis connection error; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ name }, 'redis reconnected');
    down = false;
    wasReady = true;
  });
  if (redis instanceof Redis) reconnectAfterAbortedConnect(redis, logger, name);
  return redis;
}

/** Clients closeRedis() closed: an end of theirs is meant. */
const closedByUs = new WeakSet<RedisClient>();

/**
 * ioredis ends a client for good, without asking retryStrategy, when a reconnection of its
 * own (a Sentinel's +switch-master, a READONLY reply) is asked for while the client is
 * still connecting: the connector gives up the attempt and the client goes from
 * `connecting` straight to `end`, every command failing with "Connection is closed."
 * Seen after a Redis failover, where the trainer then gave its partitions up. Such an end,
 * and only such (not one after QUIT or disconnect()), starts the client connecting again.
 */
function reconnectAfterAbortedConnect(redis: Redis, logger: Logger, name: string): void {
  let previous = redis.status;
  let attempt = 0;
  for (const status of ['connecting', 'connect', 'ready', 'close', 'reconnecting'] as const) redis.on(status, () => (previous = status));
  redis.on('ready', () => (attempt = 0));
  redis.on('end', () => {
    const aborted = previous === 'connecting' && (redis as unknown as { manuallyClosing?: boolean }).manuallyClosing !== true;
    previous = 'end';
    if (!aborted || closedByUs.has(redis)) return;
    logger.warn({ name }, 'redis connection attempt aborted by a reconnection; connecting again');
    setTimeout(() => {
      if (!closedByUs.has(redis) && redis.status === 'end') redis.connect().catch(() => undefined);
    }, reconnectDelay(++attempt)).unref();
  });
}

/**
 * Resolves once the client is ready, or once it found no server (it goes on reconnecting: the
 * service starts, not ready); rejects when the server refused it (credentials, ACL, certificate),
 * which no reconnection mends.
 */
export function firstContact(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      redis.off('ready', settle);
      redis.off('error', settle);
      const refused = error && refusal(error);
      if (refused) reject(refused);
      else resolve();
    };
    redis.on('ready', settle);
    redis.on('error', settle);
  });
}

/** QUIT, so that replies still due arrive first; a connection Redis refused cannot even QUIT, and is dropped. */
export async function closeRedis(redis: RedisClient | undefined): Promise<void> {
  if (!redis) return;
  closedByUs.add(redis);
  await redis.quit().catch(() => redis.disconnect());
}

/** One connection for a command: no reconnecting; rejects with why Redis refused it, or is not there. */
export async function openRedis(connection: RedisConnection, name: string): Promise<RedisClient> {
  const options: RedisOptions = { connectionName: name, lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null };
  const redis = connection.clusterNodes
    ? new Cluster(connection.clusterNodes, clusterOptions(connection, options, { clusterRetryStrategy: () => null }))
    : new Redis(connection.url, { ...options, ...serverOptions(connection) });
  // ioredis emits the reason, then rejects connect() with "Connection is closed."
  let reason: Error | undefined;
  redis.on('error', (error: Error) => (reason ??= error));
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw connectionError(reason ?? (error as Error));
  }
}

/** Marked as Redis', for explainFailure: Node's network and TLS errors do not say whose they are. */
function connectionError(error: Error): Error {
  return Object.assign(new Error(error.message, { cause: error }), { name: REDIS_CONNECTION_ERROR });
}

/** True when Redis refused a connection or a command (credentials, ACL, certificate): no retry mends that. */
export function refusedByRedis(error: unknown): boolean {
  return explainRefusal(error)?.problem.startsWith('redis_') === true;
}

/** The error to stop on, when Redis refused the connection rather than not being there. */
function refusal(error: Error): Error | undefined {
  const marked = connectionError(error);
  return refusedByRedis(marked) ? marked : undefined;
}

function serverOptions(connection: RedisConnection): RedisOptions {
  return { ...(connection.tls ? { tls: connection.tls } : {}), ...(connection.sentinels ? sentinelOptions(connection) : {}) };
}

/**
 * A Cluster takes no URL: the credentials and TLS of `url` go to every node's connection.
 * The client retries a command on MOVED/ASK and after a failover by itself; lazyConnect is
 * the cluster's own, so that openRedis connects (and fails) when it says.
 */
function clusterOptions(connection: RedisConnection, options: RedisOptions, retry: Pick<ClusterOptions, 'clusterRetryStrategy'>): ClusterOptions {
  const { lazyConnect, enableOfflineQueue, connectionName, commandTimeout, connectTimeout, maxRetriesPerRequest } = options;
  const url = new URL(connection.url);
  // As for one server: rediss:// verifies against the CA given, else Node's own.
  const tls = connection.tls ?? (url.protocol === 'rediss:' ? {} : undefined);
  return {
    ...retry,
    lazyConnect,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    redisOptions: {
      connectionName,
      commandTimeout,
      connectTimeout,
      maxRetriesPerRequest,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(tls ? { tls } : {}),
    },
  };
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
export function probeRedis(redis: RedisClient, health: DependencyHealth, intervalMs = 1000): () => void {
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
