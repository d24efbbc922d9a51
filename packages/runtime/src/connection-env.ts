import { z } from 'zod';
import { clusterSlotProblem, DEFAULT_DEAD_LETTER_LIMITS, DEFAULT_KAFKA_BROKERS, DEFAULT_MAX_READING_BYTES, DEFAULT_REDIS_URL, DEFAULT_TOPICS, type DeadLetterLimits } from '@sonar/contracts';
import { env } from './config.ts';
import type { FailureContext } from './failure/explain-failure.ts';
import { LOG_LEVELS } from './logger.ts';

/** host:port, comma-separated (Sentinels, cluster seeds). */
const addressList = env.list().refine((items) => items.every((item) => /^[^\s:]+:\d{1,5}$/.test(item)), 'host:port, comma-separated');

/** The environment every service shares (see the connections and topics of the public contract). */
export const connectionEnv = {
  KAFKA_BROKERS: env.list().default([DEFAULT_KAFKA_BROKERS]),
  KAFKA_SSL: env.boolean().default(false),
  /** The CA (PEM) the broker's certificate must chain to, instead of Node's own CAs. */
  KAFKA_SSL_CA_FILE: env.file().optional(),
  /** A client certificate and its key (PEM), for a listener that asks for one. */
  KAFKA_SSL_CERT_FILE: env.file().optional(),
  KAFKA_SSL_KEY_FILE: env.file().optional(),
  /** false accepts any certificate, so anyone in between can read the traffic: for a throwaway test only. */
  KAFKA_SSL_REJECT_UNAUTHORIZED: env.boolean().default(true),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default(DEFAULT_REDIS_URL),
  /** The CA (PEM) a rediss:// server's certificate must chain to, instead of Node's own CAs. */
  REDIS_TLS_CA_FILE: env.file().optional(),
  /** With them, the primary is wherever the Sentinels say; REDIS_URL then gives only credentials and database. */
  REDIS_SENTINELS: addressList.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  /** Seeds of a Redis Cluster (any of its nodes); REDIS_URL then gives only credentials and TLS. */
  REDIS_CLUSTER_NODES: addressList.optional(),
  /** Replicas that must acknowledge a checkpoint (WAIT) before it counts as safe from a failover. */
  REDIS_WAIT_REPLICAS: env.int(0, 100).default(0),
  REDIS_WAIT_TIMEOUT_MS: env.int(1).default(1000),
  REDIS_PREFIX: z.string().min(1).default('sonar'),
  /** Braces allowed for a Redis Cluster hash tag ({demo}): all of the model's keys then share a slot. */
  SONAR_MODEL: z.string().regex(/^[A-Za-z0-9._{}-]{1,64}$/, 'letters, digits, . _ - { } only (1 to 64)').default('sonar'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TOPIC_READINGS: z.string().min(1).default(DEFAULT_TOPICS.TOPIC_READINGS),
  TOPIC_CLASSIFIED: z.string().min(1).default(DEFAULT_TOPICS.TOPIC_CLASSIFIED),
  TOPIC_DLQ: z.string().min(1).default(DEFAULT_TOPICS.TOPIC_DLQ),
  TOPIC_MODELS: z.string().min(1).default(DEFAULT_TOPICS.TOPIC_MODELS),
  TOPIC_GRADIENTS: z.string().min(1).default(DEFAULT_TOPICS.TOPIC_GRADIENTS),
  TOPIC_PARTITIONS: env.int(1, 10_000).default(3),
  TOPIC_REPLICATION: env.int(1, 100).default(1),
  SHUTDOWN_GRACE_MS: env.int(100).default(10_000),
  /** A Redis command with no answer after this long fails: a paused or cut-off Redis hangs nothing. */
  REDIS_COMMAND_TIMEOUT_MS: env.int(50).default(2000),
};

/** What the consuming services accept and dead-letter (trainer and scorer alike). */
export const recordLimitsEnv = {
  /** Larger reading values are dead-lettered as too_large. */
  MAX_READING_BYTES: env.int(1024).default(DEFAULT_MAX_READING_BYTES),
  /** A dead letter's value above this is cut to its first 4 KiB (size and SHA-256 in headers), so it fits the topic. */
  DEAD_LETTER_MAX_BYTES: env.int(4096).default(DEFAULT_DEAD_LETTER_LIMITS.maxValueBytes),
};

export function deadLetterLimits(config: { DEAD_LETTER_MAX_BYTES: number }): DeadLetterLimits {
  return { ...DEFAULT_DEAD_LETTER_LIMITS, maxValueBytes: config.DEAD_LETTER_MAX_BYTES };
}

export type ConnectionEnv = z.infer<z.ZodObject<typeof connectionEnv>>;

/** The rules across settings: SASL needs all three settings or none, TLS files need TLS, Sentinel both of its own. */
export function checkConnection(value: ConnectionEnv, ctx: z.RefinementCtx): void {
  const set = [value.KAFKA_SASL_MECHANISM, value.KAFKA_SASL_USERNAME, value.KAFKA_SASL_PASSWORD].filter(Boolean).length;
  if (set !== 0 && set !== 3) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_MECHANISM'], message: 'set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD together' });
  }
  const tlsSettings = { KAFKA_SSL_CA_FILE: value.KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE: value.KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: value.KAFKA_SSL_KEY_FILE };
  // Rather than turn TLS on unasked, or ignore a file that was meant to be used.
  for (const [name, file] of Object.entries(tlsSettings)) {
    if (file && !value.KAFKA_SSL) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is for TLS: set KAFKA_SSL=true too` });
  }
  if (!value.KAFKA_SSL_REJECT_UNAUTHORIZED && !value.KAFKA_SSL) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_REJECT_UNAUTHORIZED'], message: 'KAFKA_SSL_REJECT_UNAUTHORIZED is for TLS: set KAFKA_SSL=true too' });
  }
  if (Boolean(value.KAFKA_SSL_CERT_FILE) !== Boolean(value.KAFKA_SSL_KEY_FILE)) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_CERT_FILE'], message: 'set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE together' });
  }
  if (value.REDIS_TLS_CA_FILE && !value.REDIS_URL.startsWith('rediss:')) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_TLS_CA_FILE'], message: 'REDIS_TLS_CA_FILE is for TLS: use a rediss:// REDIS_URL' });
  }
  if (Boolean(value.REDIS_SENTINELS) !== Boolean(value.REDIS_SENTINEL_NAME)) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINELS'], message: 'set REDIS_SENTINELS and REDIS_SENTINEL_NAME together' });
  }
  // ioredis would reach a primary found through Sentinel without TLS: refused rather than downgraded.
  if (value.REDIS_SENTINELS && value.REDIS_URL.startsWith('rediss:')) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINELS'], message: 'TLS through Sentinel is not supported: use a redis:// REDIS_URL with REDIS_SENTINELS' });
  }
  if (value.REDIS_CLUSTER_NODES) checkCluster(value, ctx);
}

/** A cluster fails over by itself: not with Sentinels, and only for a model whose keys a script can touch together. */
function checkCluster(value: ConnectionEnv, ctx: z.RefinementCtx): void {
  if (value.REDIS_SENTINELS) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: 'set REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both' });
  }
  const problem = clusterSlotProblem(value.SONAR_MODEL, value.REDIS_PREFIX);
  if (problem) ctx.addIssue({ code: 'custom', path: ['SONAR_MODEL'], message: problem });
}

/** The connection settings of kafkajs (the shape of @sonar/kafka's KafkaConnection). */
export function kafkaConnection(value: ConnectionEnv) {
  return {
    brokers: value.KAFKA_BROKERS,
    ssl: value.KAFKA_SSL ? kafkaTls(value) : false,
    sasl: value.KAFKA_SASL_MECHANISM
      ? { mechanism: value.KAFKA_SASL_MECHANISM, username: value.KAFKA_SASL_USERNAME!, password: value.KAFKA_SASL_PASSWORD! }
      : undefined,
  };
}

/** Without a CA file, Node's own CAs (and NODE_EXTRA_CA_CERTS) decide. */
function kafkaTls(value: ConnectionEnv) {
  return {
    rejectUnauthorized: value.KAFKA_SSL_REJECT_UNAUTHORIZED,
    ...(value.KAFKA_SSL_CA_FILE ? { ca: [value.KAFKA_SSL_CA_FILE.text] } : {}),
    ...(value.KAFKA_SSL_CERT_FILE && value.KAFKA_SSL_KEY_FILE ? { cert: value.KAFKA_SSL_CERT_FILE.text, key: value.KAFKA_SSL_KEY_FILE.text } : {}),
  };
}

/** Where Redis is: one server, the primary the Sentinels name, or a cluster (the shape of @sonar/store's RedisConnection). */
export function redisConnection(value: ConnectionEnv) {
  return {
    url: value.REDIS_URL,
    tls: value.REDIS_TLS_CA_FILE ? { ca: value.REDIS_TLS_CA_FILE.text } : undefined,
    sentinels: value.REDIS_SENTINELS?.map(hostAndPort),
    sentinelName: value.REDIS_SENTINEL_NAME,
    clusterNodes: value.REDIS_CLUSTER_NODES?.map(hostAndPort),
  };
}

function hostAndPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

/** How many replicas must acknowledge a checkpoint, and how long to wait for them. */
export function redisReplication(value: ConnectionEnv) {
  return { replicas: value.REDIS_WAIT_REPLICAS, timeoutMs: value.REDIS_WAIT_TIMEOUT_MS };
}

/** Who a process connects as, for the line that explains a refusal (never a password). */
export function connectionIdentity(value: ConnectionEnv): Pick<FailureContext, 'kafka' | 'redis'> {
  return {
    kafka: { brokers: value.KAFKA_BROKERS, user: value.KAFKA_SASL_USERNAME, mechanism: value.KAFKA_SASL_MECHANISM },
    redis: { url: value.REDIS_URL },
  };
}
