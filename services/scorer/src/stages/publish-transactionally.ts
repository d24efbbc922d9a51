import { deadLetterMessage } from '@sonar/contracts';
import type { Consumer, Kafka, Message, Producer, Transaction } from 'kafkajs';
import { chunkMessages, createProducer } from '@sonar/kafka';
import type { Logger } from '@sonar/runtime';
import type { PublishedBatch, ScoredBatch } from './score.ts';
import type { ScorerMetrics } from '../metrics.ts';

export interface TransactionalDeps {
  kafka: Kafka;
  consumer: Consumer;
  groupId: string;
  model: string;
  classifiedTopic: string;
  deadLetterTopic: string;
  metrics: ScorerMetrics;
  logger: Logger;
}

/**
 * Exactly once: a batch's events, its dead letters and its consumer offsets go in
 * one Kafka transaction. kafkajs has no consumer-group fencing in transactions
 * (KIP-447), so each input partition gets its own transactional id: whoever takes
 * a partition over fences the previous owner, and a restarted scorer aborts what
 * its predecessor left open.
 */
export class TransactionalPublisher {
  private readonly producers = new Map<number, Promise<Producer>>();

  constructor(private readonly deps: TransactionalDeps) {}

  readonly stage = async (scored: ScoredBatch): Promise<PublishedBatch> => {
    const { topic, partition, messages } = scored.batch;
    const last = messages.at(-1);
    if (!last) return { ...scored, acked: Promise.resolve(Date.now()) };
    let transaction: Transaction | undefined;
    try {
      transaction = await (await this.producerFor(topic, partition)).transaction();
      const deadLetters: Message[] = scored.rejected.map((r) => deadLetterMessage(r, { service: 'scorer', topic, partition }));
      // Several requests in one transaction: each stays below the broker's message size limit.
      for (const [target, messages] of [
        [this.deps.classifiedTopic, scored.messages],
        [this.deps.deadLetterTopic, deadLetters],
      ] as const) {
        for (const chunk of chunkMessages(messages, 5000)) await transaction.send({ topic: target, messages: chunk.messages, acks: -1 });
      }
      await transaction.sendOffsets({
        consumerGroupId: this.deps.groupId,
        topics: [{ topic, partitions: [{ partition, offset: String(Number(last.offset) + 1) }] }],
      });
      await transaction.commit();
      this.deps.metrics.transactions.inc({ outcome: 'committed' });
      return { ...scored, acked: Promise.resolve(Date.now()) };
    } catch (error) {
      this.deps.metrics.transactions.inc({ outcome: 'aborted' });
      await transaction?.abort().catch(() => undefined);
      // A fenced or broken producer is replaced; the batch is read again from its first offset.
      await this.discard(partition);
      this.deps.consumer.seek({ topic, partition, offset: messages[0]!.offset });
      this.deps.logger.warn({ err: (error as Error).message, partition }, 'transaction aborted; the batch will be read again');
      throw new RetryBatch();
    }
  };

  /**
   * Registers the transactional ids of newly assigned partitions right away: that
   * fences any earlier owner and aborts what it left open, before the first batch.
   * (A failure here is tried again at the partition's first batch.)
   */
  prepare(topic: string, partitions: readonly number[]): void {
    for (const partition of partitions) {
      this.producerFor(topic, partition).catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message, partition }, 'transactional producer not ready yet'));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((partition) => this.discard(partition)));
  }

  private producerFor(topic: string, partition: number): Promise<Producer> {
    let producer = this.producers.get(partition);
    if (!producer) {
      const created = createProducer(this.deps.kafka, `sonar-scorer-${this.deps.model}-${topic}-${partition}`);
      // The first (empty) transaction registers the id: that is what fences and aborts.
      producer = created.connect().then(async () => {
        await (await created.transaction()).abort();
        return created;
      });
      this.producers.set(partition, producer);
      producer.catch(() => this.producers.delete(partition));
    }
    return producer;
  }

  private async discard(partition: number): Promise<void> {
    const producer = this.producers.get(partition);
    this.producers.delete(partition);
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }
}

/** Thrown when a batch must be skipped now and read again (after a seek). */
export class RetryBatch extends Error {
  constructor() {
    super('batch will be read again');
    this.name = 'RetryBatch';
  }
}
