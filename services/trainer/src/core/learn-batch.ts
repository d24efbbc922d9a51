import type { ConsumedBatch } from '@sonar/kafka';
import { gatherReadings } from '../learner/gather-readings.ts';
import type { Learner } from '../learner/learner.ts';
import type { BatchReport } from './effects.ts';

/**
 * One fetched batch through the learner: its readings into the learner's intake
 * (see gatherReadings) → every full mini-batch applied (each scored first). Every
 * record, rejected or not, moves its partition's position; the rejects come back
 * for the dead-letter topic.
 */
export function learnBatch(learner: Learner, batch: ConsumedBatch, maxReadingBytes: number, now: number): BatchReport {
  const { partition } = batch;
  const { lastOffset, ...gathered } = gatherReadings(learner.intake, batch, maxReadingBytes, now);
  if (lastOffset !== undefined) learner.consumed(partition, lastOffset);
  const outcomes = learner.drain(now);
  return { partition, position: learner.intake.position(partition), outcomes, ...gathered, samples: learner.samples, accuracy: learner.progressiveAccuracy };
}
