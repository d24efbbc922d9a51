import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '@sonar/runtime';
import type { CoordinatorRefusals } from './coordinator-refusals.ts';
import { KAFKA_TUNING } from './tuning.ts';
import { installLeanRecordDecoder } from './lean-records/install.ts';

/** TLS of the client: without `ca`, Node's own CAs (and NODE_EXTRA_CA_CERTS) decide. */
export interface KafkaTls {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
}

export interface KafkaConnection {
  brokers: string[];
  ssl: boolean | KafkaTls;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The lean record decoder's absence is said once per process. */
let leanRefusalLogged = false;

/** Refused credentials, certificates and ACLs: never mended by a retry, and reported once, explained, by the caller. */
const REFUSAL = /SASL|authenticat|authoriz|certificate|group coordinator/i;

/**
 * A kafkajs client whose logs go through the service's logger, its fetched records
 * decoded by the lean record decoder (same fields, less garbage). With `refusals`, kafkajs logs at
 * debug level to it, so that a refused FindCoordinator, which kafkajs only logs, can be explained.
 */
export function createKafka(connection: KafkaConnection, clientId: string, logger: Logger, refusals?: CoordinatorRefusals): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const lean = installLeanRecordDecoder();
  if (lean !== 'installed' && !leanRefusalLogged) {
    leanRefusalLogged = true;
    kafkaLogger.warn({ reason: lean }, "records decode by kafkajs' own decoder, the slower way");
  }
  const debug = logger.isLevelEnabled('debug');
  return new Kafka({
    clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl as SASLOptions | undefined,
    ...KAFKA_TUNING.client,
    logLevel: debug || refusals ? logLevel.DEBUG : logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      refusals?.notice(entry);
      if (entry.level > logLevel.WARN && !debug) return;
      const { message, ...extra } = entry.log;
      kafkaLogger[levelOf(entry)]({ namespace: entry.namespace, ...extra }, message);
    },
  });
}

function levelOf(entry: LogEntry): 'error' | 'warn' | 'info' | 'debug' {
  if (entry.level !== logLevel.ERROR) return LEVELS[entry.level] ?? 'info';
  // The connection layer logs each retriable response error; the caller decides what is worth an error.
  return entry.namespace === 'Connection' || REFUSAL.test(entry.log.message) ? 'debug' : 'error';
}
