import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisServer } from '../redis-server.ts';
import type { HaStackConfig } from '../types.ts';
import { HA_HOST } from './ha-kafka.ts';

/** Sentinels needed to agree that the primary is down; a majority of them must also elect the one that fails over. */
export const SENTINEL_QUORUM = 2;

/** Short enough for a test to see a failover in seconds: unreachable for 2 s is down. */
const DOWN_AFTER_MS = 2000;
const FAILOVER_TIMEOUT_MS = 5000;

/**
 * The data nodes, the first started as the primary and the second as its replica. AOF, fsynced
 * every second: a primary restarted faster than the Sentinels notice would otherwise come back
 * empty and its replica would copy the emptiness.
 */
export function haRedisNodes(config: HaStackConfig): RedisServer[] {
  return config.redisPorts.map(
    (port, i) =>
      new RedisServer(
        { home: config.home, redisUrl: `redis://${HA_HOST}:${port}` },
        { configFile: join(config.home, nodeDir(i), 'redis.conf'), client: {}, description: 'with AOF (fsync every second)', dir: nodeDir(i) },
      ),
  );
}

export function haSentinels(config: HaStackConfig): RedisServer[] {
  return config.sentinelPorts.map(
    (port, i) =>
      new RedisServer(
        { home: config.home, redisUrl: `redis://${HA_HOST}:${port}` },
        { configFile: join(config.home, sentinelDir(i), 'sentinel.conf'), client: {}, description: `monitoring "${config.sentinelName}"`, dir: sentinelDir(i), sentinel: true },
      ),
  );
}

/**
 * Each config file is written once. After a failover, Sentinel rewrites them (CONFIG REWRITE on
 * the nodes it reconfigures, its own file with the primary, replicas and peers it knows): a
 * restart of the stack keeps the roles the Sentinels gave, rather than making the first node
 * the primary again over a replica with newer data.
 */
export function writeRedisConfigs(config: HaStackConfig): void {
  const [primaryPort] = config.redisPorts;
  config.redisPorts.forEach((port, i) =>
    writeOnce(join(config.home, nodeDir(i)), 'redis.conf', [
      `port ${port}`,
      'save ""',
      'appendonly yes',
      'appendfsync everysec',
      ...(i === 0 ? [] : [`replicaof ${HA_HOST} ${primaryPort}`]),
    ]),
  );
  config.sentinelPorts.forEach((port, i) =>
    writeOnce(join(config.home, sentinelDir(i)), 'sentinel.conf', [
      `port ${port}`,
      `sentinel monitor ${config.sentinelName} ${HA_HOST} ${primaryPort} ${SENTINEL_QUORUM}`,
      `sentinel down-after-milliseconds ${config.sentinelName} ${DOWN_AFTER_MS}`,
      `sentinel failover-timeout ${config.sentinelName} ${FAILOVER_TIMEOUT_MS}`,
      `sentinel parallel-syncs ${config.sentinelName} 1`,
    ]),
  );
}

function writeOnce(dir: string, name: string, settings: string[]): void {
  const file = join(dir, name);
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  // redis.conf takes double-quoted strings with backslash escapes, as JSON writes them.
  writeFileSync(file, `${[`bind ${HA_HOST}`, ...settings, `dir ${JSON.stringify(dir)}`, 'daemonize no'].join('\n')}\n`);
}

const nodeDir = (i: number) => `redis-${i + 1}`;
const sentinelDir = (i: number) => `sentinel-${i + 1}`;
