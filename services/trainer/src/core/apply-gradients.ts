import { decodeGradient, reject, THETA_LENGTH, type RejectedRecord } from '@sonar/contracts';
import type { ConsumedBatch } from '@sonar/kafka';
import type { BatchOutcome, Learner } from '../learner/learner.ts';
import type { BatchReport } from './effects.ts';

const gradientSum = new Float64Array(THETA_LENGTH);

/**
 * Parallel mode, the applier: one fetched batch of the gradient topic through the
 * learner, top to bottom: decode each record not yet consumed → refuse what is not a
 * gradient of this model (dead-lettered) → one optimizer step per gradient (health
 * gate first), a repeat of readings applied already skipped. Every record moves its
 * partition's position, as readings do in exact mode.
 */
export function applyGradients(learner: Learner, batch: ConsumedBatch, model: string, maxRecordBytes: number): BatchReport {
  const { partition, messages } = batch;
  const position = learner.intake.position(partition);
  const rejected: RejectedRecord[] = [];
  const outcomes: BatchOutcome[] = [];
  let repeats = 0;
  for (const record of messages) {
    if (Number(record.offset) < position) continue;
    const decoded =
      record.value !== null && record.value.length > maxRecordBytes
        ? reject('too_large', `the record has ${record.value.length} bytes; the limit is ${maxRecordBytes}`)
        : decodeGradient(record.value, gradientSum);
    if (!decoded.ok) rejected.push({ record, reason: decoded.reason, message: decoded.message });
    else if (decoded.value.model !== model) rejected.push({ record, reason: 'invalid_gradient', message: `a gradient for model ${decoded.value.model}, not ${model}` });
    else {
      const outcome = learner.applyGradient(decoded.value);
      if (outcome.kind === 'repeat') repeats += 1;
      else outcomes.push(outcome);
    }
  }
  const last = messages.at(-1);
  if (last) learner.consumed(partition, Number(last.offset));
  return {
    partition,
    position: learner.intake.position(partition),
    outcomes,
    rejected,
    holdout: 0,
    unlabeled: 0,
    duplicates: 0,
    repeats,
    samples: learner.samples,
    accuracy: learner.progressiveAccuracy,
  };
}
