import { sonarHome } from './paths.ts';
import type { StackConfig } from './types.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const kafkaBrokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  return {
    home: sonarHome(env),
    kafkaBrokers,
    kafkaIsLocal: kafkaBrokers.every((b) => LOOPBACK.has(b.slice(0, b.lastIndexOf(':')))),
    kafkaControllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? 9093),
    kafkaHeap: env.KAFKA_HEAP_OPTS ?? '-Xms512m -Xmx1g',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prometheusPort: Number(env.PROMETHEUS_PORT ?? 9090),
  };
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}
