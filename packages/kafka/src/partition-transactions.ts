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
   * group's offset is not known for sure (a new assignment, a failed commit), the
   * partition's transactional id is fenced first: that finishes whatever a commit with it
   * left under way, one way or the other, before the offset is read.
   */
  async uncommitted(topic: string, partition: number, messages: KafkaMessage[]): Promise<KafkaMessage[]> {
    const first = messages[0];
    if (!first) return messages;
    let next = this.committed.get(partition);
    if (next === undefined) {
      await this.fencePartition(topic, partition);
      const [offsets] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
      const offset = Number(offsets?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      // Nothing committed yet: everything fetched is new.
      next = offset >= 0 ? offset : Number(first.offset);
      this.committed.set(partition, next);
    }
    const from = next;
    return Number(first.offset) >= from ? messages : messages.filter((m) => Number(m.offset) >= from);
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
   * partitions no longer ours) and registers each assigned partition's id anew. Once it
   * resolves, no earlier transaction of these partitions can commit, ours included, and
   * the group's committed offsets are final: a registration waits until a commit still
   * under way with the id is complete. A producer kept over the rebalance would not
   * wait, and the offsets read right after our own last commit may predate it.
   */
  async fence(topic: string, partitions: readonly number[]): Promise<void> {
    await Promise.all([...this.producers.keys()].map((p) => this.discard(p)));
    await Promise.all(partitions.map((partition) => this.producerFor(topic, partition)));
  }

  /** One partition's id registered anew (its other producers kept): the group's offset of it is final once this resolves. */
  async fencePartition(topic: string, partition: number): Promise<void> {
    await this.discard(partition);
    await this.producerFor(topic, partition);
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
