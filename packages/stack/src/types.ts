import type { Topics } from '@sonar/contracts';

export type Reporter = (message: string) => void;

export interface StackConfig {
  home: string;
  kafkaBrokers: string[];
  /** True when every bootstrap server is on loopback, so the stack may start a broker there. */
  kafkaIsLocal: boolean;
  kafkaControllerPort: number;
  /** Where the broker's jars are (shared by every broker of the same home by default). */
  kafkaLibDir?: string;
  kafkaHeap: string;
  redisUrl: string;
  prometheusPort: number;
  /** The secured stack of `sonar stack up --secure`, beside the plain one. */
  secure: SecureStackConfig;
  /** The replicated stack of `sonar stack up --ha`, beside the plain one. */
  ha: HaStackConfig;
}

export interface HaStackConfig {
  /** Its own folder in the stack home: every node's data, config, log and pid file. */
  home: string;
  /** The three brokers' client ports (KAFKA_HA_PORTS) and controller ports (KAFKA_HA_CONTROLLER_PORTS). */
  kafkaPorts: number[];
  kafkaControllerPorts: number[];
  kafkaLibDir: string;
  /** Of each node (KAFKA_HA_HEAP_OPTS). */
  kafkaHeap: string;
  /** Redis: the first starts as the primary, the second as its replica (REDIS_HA_PORTS). */
  redisPorts: number[];
  sentinelPorts: number[];
  /** The name the Sentinels monitor the primary by (REDIS_SENTINEL_NAME). */
  sentinelName: string;
  /** The topics created at start, replicated three times. */
  topics: Topics;
  topicPartitions: number;
}

export interface SecureStackConfig {
  /** Its own folder in the stack home: certificates, credentials, broker data, logs. */
  home: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  kafkaLibDir: string;
  kafkaHeap: string;
  redisPort: number;
  /** The Redis key prefix the service users are confined to (REDIS_PREFIX). */
  redisPrefix: string;
  /** The topics created at start, and the ones the service ACLs name (TOPIC_*). */
  topics: Topics;
  topicPartitions: number;
  topicReplication: number;
}

export interface ComponentStatus {
  name: string;
  /** running: started by this stack; external: something else answers; starting: process up, not answering. */
  state: 'running' | 'external' | 'starting' | 'stopped' | 'not installed';
  address: string;
  pid?: number | undefined;
  detail: string;
}
