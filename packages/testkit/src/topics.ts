import type { Kafka, KafkaMessage } from 'kafkajs';
import { randomBytes } from 'node:crypto';

export interface ReadOptions {
  /** Stop once this many records arrived... */
  count?: number;
  /** ...or when nothing new arrived for this long. */
  idleMs?: number;
  timeoutMs?: number;
  readCommitted?: boolean;
}

/** Every record of a topic from the beginning, with a throwaway consumer group. */
export async function readTopic(kafka: Kafka, topic: string, options: ReadOptions = {}): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomBytes(6).toString('hex')}`, readUncommitted: options.readCommitted === false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records: KafkaMessage[] = [];
  let lastArrival = Date.now();
  const started = Date.now();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      records.push(...batch.messages);
      lastArrival = Date.now();
    },
  });
  const idleMs = options.idleMs ?? 3000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  while (Date.now() - started < timeoutMs) {
    if (options.count !== undefined && records.length >= options.count) break;
    if (options.count === undefined && Date.now() - lastArrival > idleMs && Date.now() - started > idleMs) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A little longer, to see duplicates beyond the expected count.
  if (options.count !== undefined) await new Promise((resolve) => setTimeout(resolve, 500));
  await consumer.disconnect();
  return records;
}
