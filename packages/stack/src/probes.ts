import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { Redis, type RedisOptions } from 'ioredis';
import { withDeadline } from '@sonar/runtime';

/** How a client authenticates: TLS and SASL settings of kafkajs (none for the plain stack). */
export type KafkaSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

/**
 * True when a Kafka broker answers at these bootstrap servers, at least `registered` brokers
 * are registered in the cluster (a cluster's are all three), and the group coordinator is up.
 */
export async function kafkaAnswers(brokers: string[], timeoutMs = 3000, security: KafkaSecurity = {}, registered = 1): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'sonar-stack-probe',
    brokers,
    ...security,
    connectionTimeout: Math.min(timeoutMs, 1000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await withDeadline(
      (async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length < registered) throw new Error(`${cluster.brokers.length} of ${registered} brokers registered`);
        // Consumer groups need the coordinator, which loads after the listener opens.
        await admin.describeGroups(['sonar-stack-probe']);
      })(),
      timeoutMs,
    );
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** `options` carries what the URL cannot, such as the CA of a TLS connection. */
export async function redisAnswers(url: string, timeoutMs = 2000, options: RedisOptions = {}): Promise<boolean> {
  const redis = new Redis(url, { ...options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await withDeadline(redis.connect().then(() => redis.ping()), timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function httpAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}
