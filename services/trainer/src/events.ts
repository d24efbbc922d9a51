import type { ConsumedBatch, DecodedRecords } from '@sonar/kafka';
import type { BatchOutcome, Learner } from './learner/learner.ts';

/** What drives the pipeline: fetched batches, and a clock tick for time-based work. */
export type TrainerEvent = { kind: 'batch'; batch: ConsumedBatch } | { kind: 'tick' };

/** An event admitted by the resume stage, with the learner it is for. */
export interface Admitted {
  event: TrainerEvent;
  learner: Learner;
}

/**
 * An event as it moves down the pipeline, gathering what each stage found. It
 * keeps its learner: should the trainer be fenced meanwhile, the stages still
 * work on that (now detached) learner, and nothing of it is checkpointed.
 */
export interface InFlight extends Admitted {
  decoded: DecodedRecords;
  outcomes: BatchOutcome[];
  counts: { holdout: number; unlabeled: number };
}

export function releaseEvent(event: TrainerEvent): void {
  if (event.kind === 'batch') event.batch.release();
}
