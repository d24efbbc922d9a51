import { concatMap, endWith, filter, ignoreElements, interval, map, merge, pipe, share, takeUntil, tap, type Observable } from 'rxjs';
import type { BatchingProducer, BatchSource, ConsumerLag } from '@sonar/kafka';
import type { Logger } from '@sonar/runtime';
import { releaseEvent, type Admitted, type TrainerEvent } from './events.ts';
import type { TrainerMetrics } from './metrics.ts';
import type { Checkpointer } from './stages/checkpoint.ts';
import { deadLetterRejects } from './stages/dead-letters.ts';
import { decodeFresh } from './stages/decode.ts';
import { applyMiniBatches, keepTrainable } from './stages/learn.ts';
import { recordOutcomes } from './stages/observe.ts';
import { resumeIfAssigned, type ResumeDeps } from './stages/resume.ts';

export interface PipelineDeps {
  source: BatchSource;
  resume: ResumeDeps;
  checkpointer: Checkpointer;
  producer: BatchingProducer;
  deadLetterTopic: string;
  maxReadingBytes: number;
  metrics: TrainerMetrics;
  lag: ConsumerLag;
  logger: Logger;
  now: () => number;
  tickMs: number;
}

/**
 * The trainer, top to bottom: resume from the checkpoint after an assignment →
 * decode → dead-letter the invalid → keep labeled, non-holdout readings → mini-batches
 * → optimizer steps → checkpoint → release the batch so the consumer fetches on.
 * Completes when the source stops.
 */
export function trainingPipeline(deps: PipelineDeps): Observable<TrainerEvent> {
  const batches$ = deps.source.batches$.pipe(
    map((batch): TrainerEvent => ({ kind: 'batch', batch })),
    share(),
  );
  // Ticks let a slow stream flush partial batches and checkpoint; they end with the source.
  const ticks$ = interval(deps.tickMs).pipe(
    map((): TrainerEvent => ({ kind: 'tick' })),
    takeUntil(batches$.pipe(ignoreElements(), endWith(null))),
  );
  return merge(batches$, ticks$).pipe(
    concatMap(resumeIfAssigned(deps.resume)),
    filter((admitted): admitted is Admitted => admitted !== undefined),
    learn(deps),
    concatMap(deps.checkpointer.stage),
    map((flight) => flight.event),
    tap(releaseEvent),
  );
}

/** From records to optimizer steps: the pure part, but for dead-lettering. */
function learn(deps: PipelineDeps) {
  return pipe(
    map(decodeFresh(deps.maxReadingBytes)),
    concatMap(deadLetterRejects(deps.producer, deps.deadLetterTopic)),
    map(keepTrainable(deps.now)),
    map(applyMiniBatches(deps.now)),
    tap(recordOutcomes(deps.metrics, deps.lag, deps.logger)),
  );
}
