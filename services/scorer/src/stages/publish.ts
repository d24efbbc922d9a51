import { deadLetterMessage } from '@sonar/contracts';
import type { Consumer } from 'kafkajs';
import type { BatchingProducer } from '@sonar/kafka';
import type { Logger } from '@sonar/runtime';
import type { PublishedBatch, ScoredBatch } from './score.ts';

export interface PublishDeps {
  producer: BatchingProducer;
  consumer: Consumer;
  classifiedTopic: string;
  deadLetterTopic: string;
  logger: Logger;
}

/**
 * At least once, pipelined: a batch's events and dead letters are handed to the
 * producer and the batch is released at once, so the next fetch overlaps with the
 * acknowledgement; its offsets are committed only after Kafka acknowledged them,
 * in batch order. A crash in between replays the batch, never loses it. The
 * producer's high-water mark bounds how much is in flight.
 */
export class PipelinedPublisher {
  private commits: Promise<void> = Promise.resolve();
  private failure: unknown;
  private onFailure: ((error: unknown) => void) | undefined;
  /** Rejects with the first failed send: the service stops, even on an idle stream. */
  readonly failed = new Promise<never>((_, reject) => (this.onFailure = reject));

  constructor(private readonly deps: PublishDeps) {
    this.failed.catch(() => undefined);
  }

  readonly stage = async (scored: ScoredBatch): Promise<PublishedBatch> => {
    if (this.failure !== undefined) throw this.failure;
    await this.deps.producer.whenWritable();
    const { topic, partition, messages } = scored.batch;
    const acked = Promise.all([
      this.deps.producer.send(this.deps.classifiedTopic, scored.messages),
      this.deps.producer.send(this.deps.deadLetterTopic, scored.rejected.map((r) => deadLetterMessage(r, { service: 'scorer', topic, partition }))),
    ]).then(() => Date.now());
    const last = messages.at(-1);
    this.commits = this.commits.then(async () => {
      // After a failed send nothing is committed any more, so the failed batch is read again.
      if (this.failure !== undefined) return;
      try {
        await acked;
      } catch (error) {
        this.failure = error;
        this.onFailure?.(error);
        return;
      }
      if (last) await this.commit(topic, partition, String(Number(last.offset) + 1));
    });
    return { ...scored, acked };
  };

  /** Resolves once everything handed over is acknowledged and committed (or failed). */
  async drain(): Promise<void> {
    await this.commits;
  }

  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    // A commit refused during a rebalance (or after a broker restart) is not an error here:
    // the batch stays uncommitted and is read again, which at least once allows.
    await this.deps.consumer
      .commitOffsets([{ topic, partition, offset }])
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message, partition }, 'offset commit refused; the batch may be scored again'));
  }
}
