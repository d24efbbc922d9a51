import type { Admin, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, type HaStack, type RedisServer } from '@sonar/stack';
import { eventually } from '@sonar/testkit';

/** SIGKILL, as a crash would: no controlled shutdown. */
export async function kill9(pid: number | undefined, what: string): Promise<void> {
  if (pid === undefined) throw new Error(`${what} is not running`);
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(20);
}

/** Each partition's leader and ISR, as the cluster's metadata says now. */
export async function partitions(admin: Admin, topic: string): Promise<{ partition: number; leader: number; replicas: number[]; isr: number[] }[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return (topics[0]?.partitions ?? []).map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })).sort((a, b) => a.partition - b.partition);
}

/** Until every partition of the topic has exactly these brokers in sync (and a leader among them). */
export function inSync(admin: Admin, topic: string, brokers: number[], timeoutMs = 60_000): Promise<unknown> {
  const wanted = [...brokers].sort().join(',');
  return eventually(
    async () => (await partitions(admin, topic)).every((p) => [...p.isr].sort().join(',') === wanted && brokers.includes(p.leader)),
    timeoutMs,
    `ISR of ${topic} to be ${wanted}`,
  );
}

/**
 * One record with acks=all to each partition: 'ok', or the error the broker answered (kafkajs
 * wraps it in KafkaJSNumberOfRetriesExceeded) or the client's. Two retries: a broker that has
 * not heard of a new topic yet is asked again; a refusal stays a refusal.
 */
export async function produceToEach(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const producer = kafka.producer({ retry: { retries: 2, initialRetryTime: 200 } });
  await producer.connect();
  try {
    return await Promise.all(
      Array.from({ length: count }, (_, partition) =>
        producer.send({ topic, acks: -1, timeout: 5000, messages: [{ partition, value: `to ${partition}` }] }).then(
          () => 'ok',
          (error: { name: string; type?: string; cause?: { type?: string } }) => error.type ?? error.cause?.type ?? error.name,
        ),
      ),
    );
  } finally {
    await producer.disconnect();
  }
}

/** The Redis data node the Sentinels call the primary now. */
export async function redisPrimaryNode(stack: HaStack): Promise<{ address: string; node: RedisServer }> {
  const address = await stack.primary();
  const index = stack.config.redisPorts.findIndex((port) => address === `127.0.0.1:${port}`);
  if (address === undefined || index < 0) throw new Error(`no Redis primary known to the Sentinels (they say ${address})`);
  return { address, node: stack.redisNodes()[index]! };
}
