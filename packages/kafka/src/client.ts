import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '@sonar/runtime';
import { KAFKA_TUNING } from './tuning.ts';

export interface KafkaConnection {
  brokers: string[];
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through the service's logger. */
export function createKafka(connection: KafkaConnection, clientId: string, logger: Logger, overrides: Partial<KafkaConfig> = {}): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl as SASLOptions | undefined,
    ...KAFKA_TUNING.client,
    logLevel: logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      // The connection layer logs each retriable response error; the caller decides what is worth an error.
      const level = entry.namespace === 'Connection' && entry.level === logLevel.ERROR ? 'debug' : (LEVELS[entry.level] ?? 'info');
      kafkaLogger[level]({ namespace: entry.namespace, ...extra }, message);
    },
    ...overrides,
  });
}
