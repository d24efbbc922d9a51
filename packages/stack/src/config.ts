import { DEFAULT_KAFKA_BROKERS, DEFAULT_PORTS, DEFAULT_REDIS_URL } from '@sonar/contracts';
import { sonarHome } from './paths.ts';
import type { StackConfig } from './types.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const kafkaBrokers = (env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS).split(',').map((b) => b.trim()).filter(Boolean);
  return {
    home: sonarHome(env),
    kafkaBrokers,
    kafkaIsLocal: kafkaBrokers.every((b) => LOOPBACK.has(b.slice(0, b.lastIndexOf(':')))),
    kafkaControllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? DEFAULT_PORTS.kafkaController),
    kafkaHeap: env.KAFKA_HEAP_OPTS ?? '-Xms512m -Xmx1g',
    redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
    prometheusPort: Number(env.PROMETHEUS_PORT ?? DEFAULT_PORTS.prometheus),
  };
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}
