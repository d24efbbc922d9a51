import { labelValue, decodeRecords } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import type { Learner } from '../learner/learner.ts';
import type { BatchReport } from './effects.ts';

/**
 * One fetched batch through the learner, top to bottom: decode the records not yet
 * consumed (a seek may replay some) → keep the labeled, non-holdout readings in the
 * mini-batch buffer → apply every full mini-batch (each scored first). Every record,
 * rejected or not, moves its partition's position. The rejects come back for the
 * dead-letter topic.
 */
export function learnBatch(learner: Learner, batch: ConsumedBatch, maxReadingBytes: number, now: number): BatchReport {
  const { partition, messages } = batch;
  const position = learner.position(partition);
  const decoded = decodeRecords(messages, maxReadingBytes, learner.readFrom(partition));
  let holdout = 0;
  let unlabeled = 0;
  let duplicates = 0;
  for (const { reading, offset } of decoded.readings) {
    // Before the start position: learnt (or not) already; its id only rebuilds the dedup window.
    if (offset < position) {
      if (reading.id !== undefined) learner.rememberId(partition, offset, reading.id);
      continue;
    }
    if (reading.id !== undefined && learner.isRetry(partition, offset, reading.id)) duplicates += 1;
    else if (reading.label === undefined) unlabeled += 1;
    else if (reading.holdout) holdout += 1;
    else learner.add({ features: reading.features, y: labelValue(reading.label), partition, offset, arrivedAt: now });
  }
  const last = messages.at(-1);
  if (last) learner.consumed(partition, Number(last.offset));
  const outcomes = learner.drain(now);
  return {
    partition,
    position: learner.position(partition),
    outcomes,
    // Those before the start position were dead-lettered when first read.
    rejected: decoded.rejected.filter((r) => Number(r.record.offset) >= position),
    holdout,
    unlabeled,
    duplicates,
    samples: learner.samples,
    accuracy: learner.progressiveAccuracy,
  };
}
