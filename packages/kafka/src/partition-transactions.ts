import type { Admin, Kafka, KafkaMessage, Message, Producer, Transaction } from 'kafkajs';
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
 *
 * kafkajs also reads the group's offsets again at every join, and without KIP-447's
 * stable offsets it may read them while a commit of ours is still on its way: it then
 * hands out records a transaction already covered. uncommitted() keeps those out.
 */
export class PartitionTransactions {
  private readonly producers = new Map<number, Promise<Producer>>();
  /** Per partition: the offset the group has committed, when known for sure (after a commit of ours, or read after fencing). */
  private readonly committed = new Map<number, number>();
  /** When the current run of failed transactions began (undefined after a commit). */
  private failingSince: number | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
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
    // Past the deadline, the work below must not go on to commit what was given up.
    let abandoned = false;
    const unlessAbandoned = () => {
      if (abandoned) throw new Error('transaction abandoned at its deadline');
    };
    try {
      transaction = await (await this.producerFor(topic, partition)).transaction();
      const open = transaction;
      await withDeadline(
        (async () => {
          for (const send of sends) {
            for (const chunk of chunkMessages(send.messages, 5000)) {
              unlessAbandoned();
              await open.send({ topic: send.topic, messages: chunk.messages, acks: -1 });
            }
          }
          unlessAbandoned();
          await open.sendOffsets({ consumerGroupId: this.groupId, topics: [{ topic, partitions: [{ partition, offset: String(nextOffset) }] }] });
          unlessAbandoned();
          await open.commit();
        })(),
        KAFKA_TUNING.producer.transactionTimeout,
      );
      this.failingSince = undefined;
      this.committed.set(partition, nextOffset);
    } catch (error) {
      abandoned = true;
      this.failingSince ??= Date.now();
      // A commit whose answer was lost may have landed: the group's offset is unknown until read again.
      this.committed.delete(partition);
      await transaction?.abort().catch(() => undefined);
      await this.discard(partition);
      throw error;
    }
  }

  /**
   * The records of a fetched batch that no committed transaction covers yet. Where the
   * group's offset is not known for sure (a new assignment, a failed commit), it is read
   * through takeOverPartition().
   */
  async uncommitted(topic: string, partition: number, messages: KafkaMessage[]): Promise<KafkaMessage[]> {
    const first = messages[0];
    if (!first) return messages;
    // Nothing committed yet: everything fetched is new.
    const next = this.committed.get(partition) ?? (await this.takeOverPartition(topic, partition)) ?? Number(first.offset);
    this.committed.set(partition, next);
    return Number(first.offset) >= next ? messages : messages.filter((m) => Number(m.offset) >= next);
  }

  /** A new assignment: kafkajs reads from the offsets it fetched at the join, which may predate a commit of ours. */
  forget(partitions: readonly number[]): void {
    for (const partition of partitions) this.committed.delete(partition);
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
   * A new assignment: lets go of every producer (someone else may have fenced those of
   * partitions no longer ours), registers each assigned partition's id anew, and returns
   * the group's committed offset of each (undefined where none). See committedAfterFencing().
   */
  async takeOver(topic: string, partitions: readonly number[]): Promise<Map<number, number | undefined>> {
    await this.discardAll();
    return this.committedAfterFencing(topic, partitions);
  }

  /** One partition's id registered anew (the other producers kept), and the group's committed offset of it (undefined when none). */
  async takeOverPartition(topic: string, partition: number): Promise<number | undefined> {
    return (await this.committedAfterFencing(topic, [partition])).get(partition);
  }

  /** How long transactions have kept failing (0 when the last one committed). */
  failingForMs(now = Date.now()): number {
    return this.failingSince === undefined ? 0 : now - this.failingSince;
  }

  async close(): Promise<void> {
    await this.discardAll();
  }

  /**
   * The only way to read where a partition's transactions left the group: its id registered
   * anew first, never a producer kept. Once that resolves, no earlier transaction of it can
   * commit, ours included, and the offset is final: a registration waits until a commit still
   * under way with the id is complete. The broker answers a commit before its offsets are
   * readable, so a producer kept over a rebalance would not wait, and an offset read right
   * after our own last commit may predate it.
   */
  private async committedAfterFencing(topic: string, partitions: readonly number[]): Promise<Map<number, number | undefined>> {
    await Promise.all(
      partitions.map(async (partition) => {
        await this.discard(partition);
        await this.producerFor(topic, partition);
      }),
    );
    const [offsets] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
    const committedOf = new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return new Map(
      partitions.map((partition) => {
        const offset = committedOf.get(partition) ?? -1;
        if (offset >= 0) this.committed.set(partition, offset);
        return [partition, offset >= 0 ? offset : undefined];
      }),
    );
  }

  private async discardAll(): Promise<void> {
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
