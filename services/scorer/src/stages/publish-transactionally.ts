import { deadLetterMessage, type DeadLetterLimits } from '@sonar/contracts';
import type { Admin, Kafka, Message } from 'kafkajs';
import { PartitionTransactions, type BatchSource, type ConsumedBatch } from '@sonar/kafka';
import { reportRefusedLetters, type Logger } from '@sonar/runtime';
import type { PublishedBatch, ScoredBatch } from './score.ts';
import type { ScorerMetrics } from '../metrics.ts';

/** After this many aborts of the same batch with dead letters in it, it goes without them (they are counted and logged). */
const ATTEMPTS_WITH_LETTERS = 2;

export interface TransactionalDeps {
  kafka: Kafka;
  admin: Admin;
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
 * one Kafka transaction of its input partition (see PartitionTransactions). An aborted
 * batch is read again from its first offset, and only what no commit covered is scored.
 */
export class TransactionalPublisher {
  private readonly transactions: PartitionTransactions;
  /** Per partition: the first offset of the batch last aborted, and how often in a row. */
  private readonly aborts = new Map<number, { offset: string; count: number }>();

  constructor(private readonly deps: TransactionalDeps) {
    this.transactions = new PartitionTransactions(deps.kafka, deps.admin, `sonar-scorer-${deps.model}`, deps.groupId);
  }

  /**
   * The part of a batch no committed transaction covers: after a join kafkajs may hand out
   * records again that a commit still under way covered, and a lost commit answer may hide
   * one that landed. Not knowing (Kafka away) is a batch to read again.
   */
  readonly admit = async (batch: ConsumedBatch): Promise<ConsumedBatch> => {
    try {
      const messages = await this.transactions.uncommitted(batch.topic, batch.partition, batch.messages);
      return messages === batch.messages ? batch : { ...batch, messages };
    } catch (error) {
      const first = batch.messages[0];
      if (first) this.deps.source.seek(batch.topic, batch.partition, Number(first.offset));
      this.deps.logger.warn({ err: (error as Error).message, partition: batch.partition }, 'could not read the committed offset; the batch will be read again');
      throw new RetryBatch();
    }
  };

  readonly stage = async (scored: ScoredBatch): Promise<PublishedBatch> => {
    const { topic, partition, messages } = scored.batch;
    const last = messages.at(-1);
    if (!last) return { ...scored, acked: Promise.resolve(Date.now()) };
    const first = messages[0]!.offset;
    const previous = this.aborts.get(partition);
    const abortsBefore = previous?.offset === first ? previous.count : 0;
    // The dead-letter topic may be what refuses (deleted, too small a limit): the dead-letter path must not stop the scorer.
    const withLetters = scored.rejected.length > 0 && abortsBefore < ATTEMPTS_WITH_LETTERS;
    const source = { service: 'scorer', topic, partition };
    const deadLetters: Message[] = withLetters ? scored.rejected.map((r) => deadLetterMessage(r, source, this.deps.deadLetterLimits)) : [];
    try {
      await this.transactions.commit(
        topic,
        partition,
        [
          { topic: this.deps.classifiedTopic, messages: scored.messages },
          { topic: this.deps.deadLetterTopic, messages: deadLetters },
        ],
        Number(last.offset) + 1,
      );
    } catch (error) {
      this.deps.metrics.transactions.inc({ outcome: 'aborted' });
      this.aborts.set(partition, { offset: first, count: abortsBefore + 1 });
      this.deps.source.seek(topic, partition, Number(first));
      this.deps.logger.warn({ err: (error as Error).message, partition }, 'transaction aborted; the batch will be read again');
      throw new RetryBatch();
    }
    this.aborts.delete(partition);
    if (scored.rejected.length > 0 && !withLetters) {
      const where = { topic, partition, deadLetterTopic: this.deps.deadLetterTopic };
      reportRefusedLetters(this.deps.metrics.deadLettersFailed, this.deps.logger, where, scored.rejected, 'every transaction with its dead letters aborted');
    }
    this.deps.metrics.transactions.inc({ outcome: 'committed' });
    return { ...scored, acked: Promise.resolve(Date.now()) };
  };

  /** Fences any earlier owner of newly assigned partitions, and aborts what it left open, before their first batch; their committed offsets are read again. */
  prepare(topic: string, partitions: readonly number[]): void {
    this.transactions.forget(partitions);
    this.transactions.prepare(topic, partitions, (partition, error) => this.deps.logger.warn({ err: error.message, partition }, 'transactional producer not ready yet'));
  }

  /** How long transactions have kept aborting (0 when the last one committed). */
  failingForMs(now = Date.now()): number {
    return this.transactions.failingForMs(now);
  }

  close(): Promise<void> {
    return this.transactions.close();
  }
}

/** Thrown when a batch must be skipped now and read again (after a seek). */
export class RetryBatch extends Error {
  constructor() {
    super('batch will be read again');
    this.name = 'RetryBatch';
  }
}
