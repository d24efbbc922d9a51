import { join } from 'node:path';
import { DEFAULT_KAFKA_BROKERS, DEFAULT_PORTS, DEFAULT_REDIS_URL, topicsFrom } from '@sonar/contracts';
import { sonarHome } from './paths.ts';
import type { StackConfig } from './types.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const home = sonarHome(env);
  const kafkaHeap = env.KAFKA_HEAP_OPTS ?? '-Xms512m -Xmx1g';
  const kafkaBrokers = (env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS).split(',').map((b) => b.trim()).filter(Boolean);
  return {
    home,
    kafkaBrokers,
    kafkaIsLocal: kafkaBrokers.every((b) => LOOPBACK.has(b.slice(0, b.lastIndexOf(':')))),
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
  };
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}
