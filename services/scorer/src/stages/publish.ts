import { deadLetterMessage, type DeadLetterLimits } from '@sonar/contracts';
import type { BatchingProducer, BatchSource, RefusableSender } from '@sonar/kafka';
import { reportRefusedLetters, type Logger } from '@sonar/runtime';
import type { ScorerMetrics } from '../metrics.ts';
import type { PublishedBatch, ScoredBatch } from './score.ts';

export interface PublishDeps {
  producer: BatchingProducer;
  /** Dead letters go out on their own, bounded: a refused one is counted and logged, never fatal. */
  deadLetters: RefusableSender;
  deadLetterLimits: DeadLetterLimits;
  source: BatchSource;
  classifiedTopic: string;
  deadLetterTopic: string;
  metrics: ScorerMetrics;
  logger: Logger;
}

/**
 * At least once, pipelined: a batch's events and dead letters are handed over and the
 * batch is released at once, so the next fetch overlaps with the acknowledgement; its
 * offsets are committed only after Kafka acknowledged the events and the dead-letter
 * topic took (or refused) the letters, in batch order. A crash in between replays the
 * batch, never loses it. The producer's high-water mark bounds how much is in flight.
 */
export class PipelinedPublisher {
  private commits: Promise<void> = Promise.resolve();
  private failure: unknown;
  private onFailure: ((error: unknown) => void) | undefined;
  /** Event sends waiting for Kafka's acknowledgement: id → when they began. */
  private readonly pending = new Map<number, number>();
  private sends = 0;
  /** Rejects with the first failed send: the service stops, even on an idle stream. */
  readonly failed = new Promise<never>((_, reject) => (this.onFailure = reject));

  constructor(private readonly deps: PublishDeps) {
    this.failed.catch(() => undefined);
  }

  readonly stage = async (scored: ScoredBatch): Promise<PublishedBatch> => {
    if (this.failure !== undefined) throw this.failure;
    await this.deps.producer.whenWritable();
    const { topic, partition, messages } = scored.batch;
    const id = ++this.sends;
    this.pending.set(id, Date.now());
    const acked = this.deps.producer.send(this.deps.classifiedTopic, scored.messages).then(() => Date.now());
    const settled = () => this.pending.delete(id);
    void acked.then(settled, settled);
    const lettered = this.deadLetter(topic, partition, scored);
    const last = messages.at(-1);
    this.commits = this.commits.then(async () => {
      // After a failed send nothing is committed any more, so the failed batch is read again.
      if (this.failure !== undefined) return;
      try {
        await Promise.all([acked, lettered]);
      } catch (error) {
        this.failure = error;
        this.onFailure?.(error);
        return;
      }
      if (last) await this.commit(topic, partition, String(Number(last.offset) + 1));
    });
    return { ...scored, acked };
  };

  /** How long the oldest unacknowledged event send has waited (0 when none waits). */
  waitingForKafkaMs(now = Date.now()): number {
    let oldest = now;
    for (const started of this.pending.values()) oldest = Math.min(oldest, started);
    return now - oldest;
  }

  /** Resolves once everything handed over is acknowledged and committed (or failed). */
  async drain(): Promise<void> {
    await this.commits;
  }

  private async deadLetter(topic: string, partition: number, scored: ScoredBatch): Promise<void> {
    if (scored.rejected.length === 0) return;
    const { deps } = this;
    const source = { service: 'scorer', topic, partition };
    const outcome = await deps.deadLetters.send(deps.deadLetterTopic, scored.rejected.map((r) => deadLetterMessage(r, source, deps.deadLetterLimits)));
    if (outcome.kind === 'refused') reportRefusedLetters(deps.metrics.deadLettersFailed, deps.logger, { topic, partition, deadLetterTopic: deps.deadLetterTopic }, scored.rejected, outcome.error);
  }

  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    // A commit refused during a rebalance (or after a broker restart) is not an error here:
    // the batch stays uncommitted and is read again, which at least once allows.
    await this.deps.source
      .commit([{ topic, partition, offset }])
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message, partition }, 'offset commit refused; the batch may be scored again'));
  }
}
