import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Redis, type RedisOptions } from 'ioredis';
import type { KafkaSecurity } from '@sonar/stack';
import { topicsEnv, topicsFrom, type Topics } from '@sonar/contracts';

/**
 * What one integration test owns: its own topics, model name (hence consumer
 * groups and Redis keys) and Redis key prefix, all removed by cleanup().
 */
export interface TestContext {
  id: string;
  brokers: string[];
  redisUrl: string;
  topics: Topics;
  model: string;
  redisPrefix: string;
  kafka: Kafka;
  admin: Admin;
  redis: Redis;
  /** The environment a service under test runs with. */
  env(extra?: Record<string, string | number | boolean>): Record<string, string>;
  createTopics(partitions: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** Where a context's clients connect when not to the suite's broker and Redis (the fault suite's own, the secured stack). */
export interface ContextTarget {
  brokers?: string[];
  redisUrl?: string;
  kafkaSecurity?: KafkaSecurity;
  redisOptions?: RedisOptions;
}

/** A context on the suite's broker and Redis, or on others. */
export async function testContext(name: string, on: ContextTarget = {}): Promise<TestContext> {
  const id = `${name}-${randomBytes(4).toString('hex')}`;
  const brokers = on.brokers ?? inject('kafkaBrokers').split(',');
  const redisUrl = on.redisUrl ?? inject('redisUrl');
  const topics = topicsFrom({
    TOPIC_READINGS: `test.${id}.readings`,
    TOPIC_CLASSIFIED: `test.${id}.classified`,
    TOPIC_DLQ: `test.${id}.dlq`,
    TOPIC_MODELS: `test.${id}.models`,
  });
  const kafka = new Kafka({ clientId: `test-${id}`, brokers, ...on.kafkaSecurity, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const redis = new Redis(redisUrl, { ...on.redisOptions, maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const redisPrefix = `test:${id}`;
  const model = `m-${id}`;
  return {
    id,
    brokers,
    redisUrl,
    topics,
    model,
    redisPrefix,
    kafka,
    admin,
    redis,
    env: (extra = {}) => ({
      KAFKA_BROKERS: brokers.join(','),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      SONAR_MODEL: model,
      ...topicsEnv(topics),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])),
    }),
    createTopics: async (partitions) => {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [topics.readings, topics.classified, topics.deadLetters, topics.models].map((topic) => ({
          topic,
          numPartitions: topic === topics.readings ? partitions : 1,
        })),
      });
    },
    cleanup: async () => {
      const existing = new Set(await admin.listTopics());
      const mine = Object.values(topics).filter((topic) => existing.has(topic));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await admin.disconnect();
      redis.disconnect();
    },
  };
}
