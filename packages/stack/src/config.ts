import { join } from 'node:path';
import { topicsFrom } from '@sonar/contracts';
import { sonarHome } from './paths.ts';
import type { StackConfig } from './types.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const home = sonarHome(env);
  const kafkaHeap = env.KAFKA_HEAP_OPTS ?? '-Xms512m -Xmx1g';
  const kafkaBrokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  return {
    home,
    kafkaBrokers,
    kafkaIsLocal: kafkaBrokers.every((b) => LOOPBACK.has(b.slice(0, b.lastIndexOf(':')))),
    kafkaControllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? 9093),
    kafkaHeap,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prometheusPort: Number(env.PROMETHEUS_PORT ?? 9090),
    secure: {
      home: join(home, 'secure'),
      kafkaPort: Number(env.KAFKA_SECURE_PORT ?? 9094),
      kafkaControllerPort: Number(env.KAFKA_SECURE_CONTROLLER_PORT ?? 9095),
      // The same jars as the plain broker's.
      kafkaLibDir: join(home, 'kafka', 'lib'),
      kafkaHeap,
      redisPort: Number(env.REDIS_SECURE_PORT ?? 6380),
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
