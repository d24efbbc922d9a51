import type { Consumer } from 'kafkajs';
import type { Logger } from '@sonar/runtime';
import { publishDeadLetters, type BatchingProducer } from '@sonar/kafka';
import type { ScoredBatch } from './score.ts';

export interface PublishDeps {
  producer: BatchingProducer;
  consumer: Consumer;
  classifiedTopic: string;
  deadLetterTopic: string;
  logger: Logger;
}

/**
 * At least once: events and dead letters first, acknowledged by Kafka; then the
 * batch's offsets committed. A crash in between replays the batch, never loses it.
 */
export function publishThenCommit(deps: PublishDeps) {
  return async (scored: ScoredBatch): Promise<ScoredBatch> => {
    const { topic, partition, messages } = scored.batch;
    await Promise.all([
      deps.producer.send(deps.classifiedTopic, scored.messages),
      publishDeadLetters(deps.producer, deps.deadLetterTopic, 'scorer', { topic, partition }, scored.rejected),
    ]);
    const last = messages.at(-1);
    // A commit refused during a rebalance (or after a broker restart) is not an error here:
    // the batch stays uncommitted and is read again, which at least once allows.
    if (last) {
      await deps.consumer
        .commitOffsets([{ topic, partition, offset: String(Number(last.offset) + 1) }])
        .catch((error: unknown) => deps.logger.warn({ err: (error as Error).message, partition }, 'offset commit refused; the batch may be scored again'));
    }
    return scored;
  };
}
