import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { LocalStack, stackConfig } from '@sonar/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    redisUrl: string;
    servicesFrom: string;
  }
}

type Teardown = () => Promise<void>;

/**
 * Real Kafka and Redis for the integration tests, from the first source that works:
 * KAFKA_BROKERS and REDIS_URL when both are set; testcontainers when a Docker engine
 * is reachable; otherwise the local stack (broker from Maven, redis-server).
 */
export default async function setup(project: TestProject): Promise<Teardown> {
  const services = process.env.KAFKA_BROKERS && process.env.REDIS_URL
    ? { kafkaBrokers: process.env.KAFKA_BROKERS, redisUrl: process.env.REDIS_URL, from: 'environment', stop: async () => undefined }
    : dockerAvailable()
      ? await fromContainers()
      : await fromLocalStack();
  project.provide('kafkaBrokers', services.kafkaBrokers);
  project.provide('redisUrl', services.redisUrl);
  project.provide('servicesFrom', services.from);
  process.stderr.write(`integration tests: Kafka ${services.kafkaBrokers}, Redis ${services.redisUrl} (${services.from})\n`);
  return services.stop;
}

function dockerAvailable(): boolean {
  if (process.env.SONAR_TESTS_NO_DOCKER) return false;
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

async function fromLocalStack() {
  const stack = new LocalStack(stackConfig());
  const { started } = await stack.upTracked((message) => process.stderr.write(`${message}\n`), { prometheus: false });
  return {
    kafkaBrokers: stack.config.kafkaBrokers.join(','),
    redisUrl: stack.config.redisUrl,
    from: 'local stack',
    // Leave running what was running before; stop what the tests started, unless asked to keep it.
    stop: async () => {
      if (!process.env.SONAR_KEEP_STACK) await stack.downOnly(started, () => undefined);
    },
  };
}

async function fromContainers() {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    return fromLocalStack();
  }
  const { kafkaVersion, freePort } = await import('@sonar/stack');
  const port = await freePort();
  const kafka = await new GenericContainer(`apache/kafka:${kafkaVersion()}`)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: '1000',
      KAFKA_NUM_PARTITIONS: '3',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
  return {
    kafkaBrokers: `localhost:${port}`,
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    from: 'testcontainers',
    stop: async () => {
      await Promise.allSettled([kafka.stop(), redis.stop()]);
    },
  };
}
