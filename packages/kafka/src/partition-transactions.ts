import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { withDeadline } from '@sonar/runtime';
import { chunkMessages } from './chunk-messages.ts';
import { createProducer } from './producer.ts';
import { KAFKA_TUNING } from './tuning.ts';

/** Messages for one topic, sent within a transaction (chunked below the broker's request limit). */
export interface TransactionSend {
  topic: string;
  messages: Message[];
}

/**
 * Exactly once for a consume-transform-produce service: what one fetched batch of an
 * input partition produced, and the consumer offset after it, go in one Kafka
 * transaction. kafkajs has no consumer-group fencing in transactions (KIP-447), so
 * each input partition gets its own transactional id (`<idPrefix>-<topic>-<partition>`):
 * whoever takes a partition over fences the previous owner, and a restarted service
 * aborts what its predecessor left open.
 */
export class PartitionTransactions {
  private readonly producers = new Map<number, Promise<Producer>>();
  /** When the current run of failed transactions began (undefined after a commit). */
  private failingSince: number | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly idPrefix: string,
    private readonly groupId: string,
  ) {}

  /**
   * The sends and the group's offset of `partition` (the next record to read) in one
   * transaction, committed within the transaction timeout. On any failure it is aborted,
   * the partition's producer replaced (it may be fenced), and the error thrown: nothing of it counts.
   */
  async commit(topic: string, partition: number, sends: readonly TransactionSend[], nextOffset: number): Promise<void> {
    let transaction: Transaction | undefined;
    try {
      transaction = await (await this.producerFor(topic, partition)).transaction();
      const open = transaction;
      await withDeadline(
        (async () => {
          for (const send of sends) {
            for (const chunk of chunkMessages(send.messages, 5000)) await open.send({ topic: send.topic, messages: chunk.messages, acks: -1 });
          }
          await open.sendOffsets({ consumerGroupId: this.groupId, topics: [{ topic, partitions: [{ partition, offset: String(nextOffset) }] }] });
          await open.commit();
        })(),
        KAFKA_TUNING.producer.transactionTimeout,
      );
      this.failingSince = undefined;
    } catch (error) {
      this.failingSince ??= Date.now();
      await transaction?.abort().catch(() => undefined);
      await this.discard(partition);
      throw error;
    }
  }

  /**
   * Registers the transactional ids of newly assigned partitions right away: that
   * fences any earlier owner and aborts what it left open, before the first batch.
   * (A failure here is tried again at the partition's first transaction.)
   */
  prepare(topic: string, partitions: readonly number[], onError: (partition: number, error: Error) => void): void {
    for (const partition of partitions) this.producerFor(topic, partition).catch((error: unknown) => onError(partition, error as Error));
  }

  /**
   * Fences every earlier owner of these partitions (and lets go of the producers of any
   * other partition, which someone else may have fenced since): once it resolves, no
   * earlier owner's transaction can commit, so the group's committed offsets are final.
   */
  async fence(topic: string, partitions: readonly number[]): Promise<void> {
    const keep = new Set(partitions);
    await Promise.all([...this.producers.keys()].filter((p) => !keep.has(p)).map((p) => this.discard(p)));
    await Promise.all(partitions.map((partition) => this.producerFor(topic, partition)));
  }

  /** How long transactions have kept failing (0 when the last one committed). */
  failingForMs(now = Date.now()): number {
    return this.failingSince === undefined ? 0 : now - this.failingSince;
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((partition) => this.discard(partition)));
  }

  private producerFor(topic: string, partition: number): Promise<Producer> {
    let producer = this.producers.get(partition);
    if (!producer) {
      // Bounded retries: a failing transaction aborts, and the batch is read and tried again.
      const created = createProducer(this.kafka, `${this.idPrefix}-${topic}-${partition}`, 'bounded');
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
