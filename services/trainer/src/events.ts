import type { ConsumedBatch, DecodedRecords } from '@sonar/kafka';
import type { BatchOutcome } from './learner/learner.ts';

/** What drives the pipeline: fetched batches, and a clock tick for time-based work. */
export type TrainerEvent = { kind: 'batch'; batch: ConsumedBatch } | { kind: 'tick' };

/** An event as it moves down the pipeline, gathering what each stage found. */
export interface InFlight {
  event: TrainerEvent;
  decoded: DecodedRecords;
  outcomes: BatchOutcome[];
  counts: { trained: number; holdout: number; unlabeled: number };
}

export function releaseEvent(event: TrainerEvent): void {
  if (event.kind === 'batch') event.batch.release();
}
