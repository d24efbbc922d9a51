import { decodeReadingInto, labelValue, type RejectedRecord } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import type { Learner } from '../learner/learner.ts';
import type { BatchReport } from './effects.ts';

/**
 * One fetched batch through the learner, top to bottom: decode each record not yet
 * consumed (a seek may replay some) straight into the learner's next matrix row →
 * keep the labeled, non-holdout readings (not a retry of an id seen within the
 * window) → apply every full mini-batch (each scored first). Every record, rejected
 * or not, moves its partition's position; the rejects come back for the dead-letter topic.
 */
export function learnBatch(learner: Learner, batch: ConsumedBatch, maxReadingBytes: number, now: number): BatchReport {
  const { partition, messages } = batch;
  const position = learner.position(partition);
  const readFrom = learner.readFrom(partition);
  const rejected: RejectedRecord[] = [];
  let holdout = 0;
  let unlabeled = 0;
  let duplicates = 0;
  for (const record of messages) {
    const offset = Number(record.offset);
    if (offset < readFrom) continue;
    const { matrix, at } = learner.nextRow();
    const reading = decodeReadingInto(record.value, matrix, at, maxReadingBytes);
    // Before the start position: learnt (or dead-lettered) already; an id only rebuilds the dedup window.
    if (offset < position) {
      if (reading.ok && reading.id !== undefined) learner.rememberId(partition, offset, reading.id);
      continue;
    }
    if (!reading.ok) rejected.push({ record, reason: reading.reason, message: reading.message });
    else if (reading.id !== undefined && learner.isRetry(partition, offset, reading.id)) duplicates += 1;
    else if (reading.label === undefined) unlabeled += 1;
    else if (reading.holdout) holdout += 1;
    else learner.keep(labelValue(reading.label), partition, offset, now);
  }
  const last = messages.at(-1);
  if (last) learner.consumed(partition, Number(last.offset));
  const outcomes = learner.drain(now);
  return { partition, position: learner.position(partition), outcomes, rejected, holdout, unlabeled, duplicates, samples: learner.samples, accuracy: learner.progressiveAccuracy };
}
