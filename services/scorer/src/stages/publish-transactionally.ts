import { deadLetterMessage, type DeadLetterLimits } from '@sonar/contracts';
import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { chunkMessages, createProducer, KAFKA_TUNING, type BatchSource } from '@sonar/kafka';
import { reportRefusedLetters, withDeadline, type Logger } from '@sonar/runtime';
import type { PublishedBatch, ScoredBatch } from './score.ts';
import type { ScorerMetrics } from '../metrics.ts';

/** After this many aborts of the same batch with dead letters in it, it goes without them (they are counted and logged). */
const ATTEMPTS_WITH_LETTERS = 2;

export interface TransactionalDeps {
  kafka: Kafka;
  source: BatchSource;
  groupId: string;
  deadLetterLimits: DeadLetterLimits;
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
  /** Per partition: the first offset of the batch last aborted, and how often in a row. */
  private readonly aborts = new Map<number, { offset: string; count: number }>();
  /** When the current run of aborted transactions began (undefined after a commit). */
  private failingSince: number | undefined;

  constructor(private readonly deps: TransactionalDeps) {}

  readonly stage = async (scored: ScoredBatch): Promise<PublishedBatch> => {
    const { topic, partition, messages } = scored.batch;
    const last = messages.at(-1);
    if (!last) return { ...scored, acked: Promise.resolve(Date.now()) };
    const first = messages[0]!.offset;
    const previous = this.aborts.get(partition);
    const abortsBefore = previous?.offset === first ? previous.count : 0;
    // The dead-letter topic may be what refuses (deleted, too small a limit): the dead-letter path must not stop the scorer.
    const withLetters = scored.rejected.length > 0 && abortsBefore < ATTEMPTS_WITH_LETTERS;
    let transaction: Transaction | undefined;
    try {
      transaction = await (await this.producerFor(topic, partition)).transaction();
      const source = { service: 'scorer', topic, partition };
      const deadLetters: Message[] = withLetters ? scored.rejected.map((r) => deadLetterMessage(r, source, this.deps.deadLetterLimits)) : [];
      const open = transaction;
      await withDeadline(
        (async () => {
          // Several requests in one transaction: each stays below the broker's message size limit.
          for (const [target, messages] of [
            [this.deps.classifiedTopic, scored.messages],
            [this.deps.deadLetterTopic, deadLetters],
          ] as const) {
            for (const chunk of chunkMessages(messages, 5000)) await open.send({ topic: target, messages: chunk.messages, acks: -1 });
          }
          await open.sendOffsets({
            consumerGroupId: this.deps.groupId,
            topics: [{ topic, partitions: [{ partition, offset: String(Number(last.offset) + 1) }] }],
          });
          await open.commit();
        })(),
        KAFKA_TUNING.producer.transactionTimeout,
      );
      this.aborts.delete(partition);
      this.failingSince = undefined;
      if (scored.rejected.length > 0 && !withLetters) {
        const where = { topic, partition, deadLetterTopic: this.deps.deadLetterTopic };
        reportRefusedLetters(this.deps.metrics.deadLettersFailed, this.deps.logger, where, scored.rejected, 'every transaction with its dead letters aborted');
      }
      this.deps.metrics.transactions.inc({ outcome: 'committed' });
      return { ...scored, acked: Promise.resolve(Date.now()) };
    } catch (error) {
      this.deps.metrics.transactions.inc({ outcome: 'aborted' });
      this.aborts.set(partition, { offset: first, count: abortsBefore + 1 });
      this.failingSince ??= Date.now();
      await transaction?.abort().catch(() => undefined);
      // A fenced or broken producer is replaced; the batch is read again from its first offset.
      await this.discard(partition);
      this.deps.source.seek(topic, partition, Number(first));
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

  /** How long transactions have kept aborting (0 when the last one committed). */
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
      const created = createProducer(this.deps.kafka, `sonar-scorer-${this.deps.model}-${topic}-${partition}`, 'bounded');
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
