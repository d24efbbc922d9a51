import { join } from 'node:path';
import { DEFAULT_KAFKA_BROKERS, DEFAULT_PORTS, DEFAULT_REDIS_URL, topicsFrom } from '@sonar/contracts';
import { isLoopbackHost } from '@sonar/runtime';
import { sonarHome } from './paths.ts';
import type { StackConfig } from './types.ts';

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const home = sonarHome(env);
  const kafkaHeap = env.KAFKA_HEAP_OPTS ?? '-Xms512m -Xmx1g';
  const kafkaBrokers = (env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS).split(',').map((b) => b.trim()).filter(Boolean);
  return {
    home,
    kafkaBrokers,
    kafkaIsLocal: kafkaBrokers.every((b) => isLoopbackHost(b.slice(0, b.lastIndexOf(':')))),
    kafkaControllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? DEFAULT_PORTS.kafkaController),
    kafkaHeap,
    redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
    prometheusPort: Number(env.PROMETHEUS_PORT ?? DEFAULT_PORTS.prometheus),
    secure: {
      home: join(home, 'secure'),
      kafkaPort: Number(env.KAFKA_SECURE_PORT ?? DEFAULT_PORTS.kafkaSecure),
      kafkaControllerPort: Number(env.KAFKA_SECURE_CONTROLLER_PORT ?? DEFAULT_PORTS.kafkaSecureController),
      // The same jars as the plain broker's.
      kafkaLibDir: join(home, 'kafka', 'lib'),
      kafkaHeap,
      redisPort: Number(env.REDIS_SECURE_PORT ?? DEFAULT_PORTS.redisSecure),
      redisPrefix: env.REDIS_PREFIX ?? 'sonar',
      topics: topicsFrom(env),
      topicPartitions: Number(env.TOPIC_PARTITIONS ?? 3),
      topicReplication: Number(env.TOPIC_REPLICATION ?? 1),
    },
    ha: {
      home: join(home, 'ha'),
      kafkaPorts: portsFromEnv(env, 'KAFKA_HA_PORTS', DEFAULT_PORTS.kafkaHa),
      kafkaControllerPorts: portsFromEnv(env, 'KAFKA_HA_CONTROLLER_PORTS', DEFAULT_PORTS.kafkaHaController),
      kafkaLibDir: join(home, 'kafka', 'lib'),
      kafkaHeap: env.KAFKA_HA_HEAP_OPTS ?? '-Xms256m -Xmx512m',
      redisPorts: portsFromEnv(env, 'REDIS_HA_PORTS', DEFAULT_PORTS.redisHa),
      sentinelPorts: portsFromEnv(env, 'REDIS_SENTINEL_PORTS', DEFAULT_PORTS.redisSentinel),
      sentinelName: env.REDIS_SENTINEL_NAME ?? 'sonar',
      topics: topicsFrom(env),
      topicPartitions: Number(env.TOPIC_PARTITIONS ?? 3),
    },
  };
}

/**
 * Ports from a comma-separated environment variable, the defaults when it is unset or empty:
 * as many as the defaults, or with `anyCount` one or more.
 */
export function portsFromEnv(env: NodeJS.ProcessEnv, name: string, defaults: readonly number[], options: { anyCount?: boolean } = {}): number[] {
  const value = env[name];
  if (!value) return [...defaults];
  const list = value.split(',').map((port) => Number(port.trim()));
  const countOk = options.anyCount ? list.length > 0 : list.length === defaults.length;
  if (!countOk || !list.every((port) => Number.isInteger(port) && port > 0 && port < 65536)) {
    const what = options.anyCount ? 'list one or more ports, comma-separated' : defaults.length === 1 ? 'be a port' : `list ${defaults.length} ports, comma-separated`;
    throw new Error(`${name} must ${what} (got ${JSON.stringify(value)})`);
  }
  return list;
}
