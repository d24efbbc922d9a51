import type { Consumer } from 'kafkajs';
import { publishDeadLetters, type BatchingProducer } from '@sonar/kafka';
import type { ScoredBatch } from './score.ts';

export interface PublishDeps {
  producer: BatchingProducer;
  consumer: Consumer;
  classifiedTopic: string;
  deadLetterTopic: string;
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
    if (last) await deps.consumer.commitOffsets([{ topic, partition, offset: String(Number(last.offset) + 1) }]);
    return scored;
  };
}
